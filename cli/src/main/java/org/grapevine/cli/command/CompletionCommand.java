package org.grapevine.cli.command;

import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "completion", description = "Print a bash/zsh completion script: source <(grapevine completion)")
public final class CompletionCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        var root = spec.commandLine().getParent();
        spec.commandLine().getOut().print(AutoComplete.bash("grapevine", root));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
