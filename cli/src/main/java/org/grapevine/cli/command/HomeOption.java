package org.grapevine.cli.command;

import java.nio.file.Path;
import org.grapevine.cli.Session;
import picocli.CommandLine.Option;

/** {@code --home DIR}: which node this command talks to. */
public final class HomeOption {
    @Option(names = "--home", paramLabel = "DIR",
            defaultValue = "${env:GRAPEVINE_HOME:-${sys:user.home}/.grapevine}",
            description = "Home directory of the node (default: $GRAPEVINE_HOME or ~/.grapevine; now ${DEFAULT-VALUE}).")
    Path dir;

    public Path dir() {
        return dir;
    }

    public Session open() {
        return Session.open(dir);
    }
}
