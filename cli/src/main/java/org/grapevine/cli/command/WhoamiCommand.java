package org.grapevine.cli.command;

import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Render;
import org.grapevine.cli.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "whoami", description = "Show your id and the name you declared.")
public final class WhoamiCommand implements Callable<Integer> {
    @Mixin HomeOption home;
    @Mixin JsonOption json;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        try (Session s = home.open()) {
            var about = s.store().indexes().about(s.self());
            long seq = s.store().headSeq(s.self());
            var out = spec.commandLine().getOut();
            if (json.on()) {
                var o = Render.JSON.createObjectNode().put("id", s.self().toString());
                about.ifPresent(a -> o.put("name", a.name()).put("about", a.description()));
                o.put("entries", seq).put("home", home.dir().toString());
                out.println(Render.print(o));
            } else {
                out.println(s.self());
                about.ifPresent(a -> out.println("name: " + a.name() + (a.description().isEmpty() ? "" : "\nabout: " + a.description())));
                out.println("entries: " + seq);
            }
        }
        return ExitCodes.OK;
    }
}
