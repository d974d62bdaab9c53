package org.grapevine.cli.command;

import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.UserError;
import picocli.CommandLine.Command;

@Command(name = "blob", description = {
        "Files shared as blobs (what posts attach): add one, fetch one from peers, list, remove.",
        "A blob's id is the hash of its bytes, so any peer that holds it can send it."},
        subcommands = {BlobAddCommand.class, BlobGetCommand.class, BlobLsCommand.class, BlobRmCommand.class})
public final class BlobCommand implements Runnable {
    @Override
    public void run() {
        throw new UserError(ExitCodes.USAGE, "say what to do with blobs: blob add FILE, blob get ID, blob ls or blob rm ID");
    }
}
