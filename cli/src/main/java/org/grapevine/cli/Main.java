package org.grapevine.cli;

import java.io.PrintWriter;
import org.grapevine.cli.command.GrapevineCommand;
import org.grapevine.identity.InvalidIdException;
import org.grapevine.node.blob.BlobException;
import org.grapevine.node.store.StoreException;
import picocli.CommandLine;

/** Entry point: runs the command line and turns every failure into one line on stderr. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        GrapevineCommand root = new GrapevineCommand();
        CommandLine cli = new CommandLine(root);
        // Ids start with '@': "post @bob" must post "@bob", never the content of a file named bob.
        cli.setExpandAtFiles(false);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            int code;
            String message;
            if (e instanceof UserError u) {
                code = u.exitCode();
                message = u.getMessage();
            } else if (e instanceof InvalidIdException) {
                code = ExitCodes.USAGE;
                message = e.getMessage();
            } else if (e instanceof BlobException) {
                code = ExitCodes.FAILURE;
                message = e.getMessage();
            } else if (e instanceof StoreException) {
                code = e.getMessage().contains("locked") ? ExitCodes.LOCKED : ExitCodes.FAILURE;
                message = e.getMessage();
            } else {
                code = ExitCodes.INTERNAL;
                message = "unexpected error: " + e;
            }
            err.println("grapevine: " + message);
            if (root.verbose()) e.printStackTrace(err);
            err.flush();
            return code;
        });
        cli.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("grapevine: " + e.getMessage());
            if (root.verbose()) e.printStackTrace(err);
            err.flush();
            return ExitCodes.USAGE;
        });
        return cli;
    }
}
