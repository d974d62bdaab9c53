package org.grapevine.cli.command;

import picocli.CommandLine.Option;

/** {@code --json}: the same facts as the text output, for scripts. */
public final class JsonOption {
    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    public boolean on() {
        return json;
    }
}
