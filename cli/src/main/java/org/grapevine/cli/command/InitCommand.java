package org.grapevine.cli.command;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Render;
import org.grapevine.cli.Session;
import org.grapevine.cli.UserError;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Keystore;
import org.grapevine.identity.KeystoreException;
import org.grapevine.identity.content.Content;
import org.grapevine.node.Home;
import org.grapevine.node.Publisher;
import org.grapevine.node.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "init", description = "Create a new pseudonym (keypair) in the home directory.")
public final class InitCommand implements Callable<Integer> {
    @Mixin HomeOption home;
    @Mixin JsonOption json;
    @Spec CommandSpec spec;

    @Option(names = "--name", paramLabel = "NAME", description = "A name to declare for yourself (others see it marked as self-declared).")
    String name;

    @Option(names = "--no-passphrase", description = "Store the secret key without a passphrase (anyone who can read the file can post as you).")
    boolean noPassphrase;

    @Override
    public Integer call() throws IOException {
        Home h = new Home(home.dir());
        if (h.hasIdentity() && !java.nio.file.Files.exists(h.publicId())) return finishEarlierInit(h);
        if (h.hasIdentity() || java.nio.file.Files.exists(h.publicId())) {
            throw new UserError(ExitCodes.IDENTITY, "an identity already exists in " + home.dir() + "; refusing to overwrite it");
        }
        if (name != null) {
            try {
                new Content.About(name, "", null);
            } catch (IllegalArgumentException e) {
                throw new UserError(ExitCodes.USAGE, "--name: " + e.getMessage());
            }
        }
        char[] passphrase = noPassphrase ? null : Session.passphrase(true);
        Identity identity = Identity.generate(new SecureRandom());
        h.create();
        try {
            Keystore.create(h.keystore(), identity, passphrase, Keystore.KdfParams.DEFAULT);
        } catch (KeystoreException e) {
            throw new UserError(ExitCodes.FAILURE, e.getMessage());
        } finally {
            if (passphrase != null) Arrays.fill(passphrase, '\0');
        }
        h.writePublicId(identity.id());
        if (name != null && !name.isBlank()) {
            try (Store store = Store.open(h.storeFile())) {
                new Publisher(identity, store, Clock.systemUTC()).publish(new Content.About(name, "", null));
            }
        }
        return printId(identity);
    }

    /** An earlier init stopped between writing the keystore and the public id: finish it. */
    private int finishEarlierInit(Home h) throws IOException {
        char[] passphrase = null;
        try {
            if (Keystore.needsPassphrase(h.keystore())) passphrase = Session.passphrase(false);
            Identity identity = Keystore.open(h.keystore(), passphrase);
            h.writePublicId(identity.id());
            return printId(identity);
        } catch (KeystoreException e) {
            throw new UserError(e.reason() == KeystoreException.Reason.WRONG_PASSPHRASE ? ExitCodes.PASSPHRASE : ExitCodes.FAILURE,
                    e.getMessage());
        } finally {
            if (passphrase != null) Arrays.fill(passphrase, '\0');
        }
    }

    private int printId(Identity identity) {
        var out = spec.commandLine().getOut();
        if (json.on()) {
            out.println(Render.print(Render.JSON.createObjectNode().put("id", identity.id().toString())
                    .put("home", home.dir().toString())));
        } else {
            out.println(identity.id());
        }
        return ExitCodes.OK;
    }
}
