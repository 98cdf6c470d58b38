package io.nodeimage.yaml;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The {@link Syntax} a text value (or map key) must have: {@code List<@Shape(MODULE) String>}. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE_USE)
public @interface Shape {
    Syntax value();
}
