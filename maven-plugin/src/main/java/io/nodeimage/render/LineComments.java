package io.nodeimage.render;

import io.nodeimage.plan.Plan;
import io.nodeimage.plan.Step;

/**
 * The comments naming where listed values were written, for files that put one value on a line (kickstart's
 * %packages, modules-load.d): one comment per profile line, since a flow list ({@code [a, b, c]}) is one
 * line for all its values.
 */
final class LineComments {

    private final Plan plan;
    private String last;

    LineComments(Plan plan) {
        this.plan = plan;
    }

    /** "# reason: file:line\n" for a value written on another line than the one before it; else nothing. */
    String before(Step step, String value) {
        String comment = plan.origins().of(step, value).map(o -> "# " + step.because() + ": " + o + "\n").orElse("");
        String out = comment.equals(last) ? "" : comment;
        last = comment;
        return out;
    }
}
