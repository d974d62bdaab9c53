package org.grapevine.cli.command;

import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Render;
import org.grapevine.cli.Session;
import org.grapevine.cli.UserError;
import org.grapevine.identity.AuthorId;
import org.grapevine.node.api.ApiRequest;
import org.grapevine.node.api.ApiResponse;
import org.grapevine.node.store.Indexes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "name", description = "Give someone a petname: your own name for them, seen only by you. An empty name removes it.")
public final class NameCommand implements Callable<Integer> {
    @Mixin HomeOption home;
    @Mixin JsonOption json;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "An id, a unique prefix of a known id, or a current petname.")
    String target;

    @Parameters(index = "1", paramLabel = "PETNAME", description = "The name to use for them.")
    String petname;

    @Override
    public Integer call() {
        String name = petname.strip();
        try {
            Indexes.checkPetname(name);
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCodes.USAGE, e.getMessage());
        }
        try (Session s = home.open()) {
            AuthorId who = s.resolveAuthor(target);
            s.ask(new ApiRequest.SetPetname(who.toString(), name), ApiResponse.Done.class);
            var out = spec.commandLine().getOut();
            if (json.on()) {
                out.println(Render.print(Render.JSON.createObjectNode().put("id", who.toString()).put("petname", name)));
            } else {
                out.println(name.isEmpty() ? "removed the petname of " + who : who + " is now '" + name + "'");
            }
        }
        return ExitCodes.OK;
    }
}
