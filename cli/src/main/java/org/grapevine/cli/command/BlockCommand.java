package org.grapevine.cli.command;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "block", description = "Block someone: their entries leave your feed and are not replicated.")
public final class BlockCommand implements Callable<Integer> {
    @Mixin HomeOption home;
    @Mixin JsonOption json;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "An id, a unique prefix of a known id, or a petname.")
    String target;

    @Override
    public Integer call() {
        return Relation.change(home, json, spec.commandLine().getOut(), target, false, true);
    }
}
