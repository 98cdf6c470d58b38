package io.nodeimage.cli;

import io.nodeimage.NodeimageException;
import io.nodeimage.Version;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar nodeimage-cli.jar}: the plugin's core where there is a JRE and no Maven. Exit codes
 * are what CI and monitoring read: {@link #PASSED}, {@link #VIOLATION}, {@link #ERROR}.
 */
@Command(name = "nodeimage-cli", mixinStandardHelpOptions = true, versionProvider = NodeimageCli.VersionProvider.class,
        description = "Judges nodes by the same policies as the nodeimage Maven plugin.",
        subcommands = {VerifyHostCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:passed", "1:a violation at or above --fail-on", "2:an error (bad input, unreadable root)"})
public final class NodeimageCli implements Runnable {

    public static final int PASSED = 0;
    public static final int VIOLATION = 1;
    public static final int ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command line in this process, writing to {@code out} and {@code err}; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new NodeimageCli());
        cli.setOut(out).setErr(err);
        cli.setExitCodeExceptionMapper(e -> ERROR);
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("nodeimage-cli: " + e.getMessage() + " (see --help)");
            return ERROR;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            commandLine.getErr().println("nodeimage-cli: " + oneLine(e));
            return ERROR;
        });
        int code;
        try {
            code = cli.execute(args);
        } catch (LinkageError | RuntimeException e) {
            // What the handlers above do not see (an Error, or a failure in picocli itself): still one line.
            err.println("nodeimage-cli: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            code = ERROR;
        }
        out.flush();
        err.flush();
        return code;
    }

    /** What went wrong, with the core's hint, and no stack trace: what the user can act on. */
    static String oneLine(Exception e) {
        if (e instanceof NodeimageException n) {
            return n.hint().isEmpty() ? n.getMessage() : n.getMessage() + " (hint: " + n.hint() + ")";
        }
        String message = e.getMessage() == null ? "" : ": " + e.getMessage();
        return e.getClass().getSimpleName() + message;
    }

    @Override
    public void run() {
        // No subcommand named: say what there is.
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: verify-host");
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"nodeimage-cli " + Version.current()};
        }
    }
}
