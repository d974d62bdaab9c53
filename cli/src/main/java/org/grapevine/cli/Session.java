package org.grapevine.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Keystore;
import org.grapevine.identity.KeystoreException;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.ContentCodec;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.Home;
import org.grapevine.node.Node;
import org.grapevine.node.Publisher;
import org.grapevine.node.api.ApiCodec;
import org.grapevine.node.api.ApiRequest;
import org.grapevine.node.api.ApiResponse;
import org.grapevine.node.api.LocalApi;
import org.grapevine.node.blob.BlobStore;
import org.grapevine.node.control.ControlClient;
import org.grapevine.node.store.Store;

/**
 * One command's access to a home: its public id, its store and blob files, and (only for commands
 * that write) the secret key, unlocked with the passphrase from the environment or a prompt.
 */
public final class Session implements AutoCloseable {
    public static final String PASSPHRASE_ENV = "GRAPEVINE_PASSPHRASE";

    private final Home home;
    private final AuthorId self;
    private Store store;
    private BlobStore blobs;

    private Session(Home home, AuthorId self) {
        this.home = home;
        this.self = self;
    }

    /** Whether this process runs on a terminal the user watches. */
    public static boolean onTerminal() {
        Console console = System.console();
        return console != null && isTerminal(console);
    }

    /** Opens a home that has an identity; fails with a clear message before {@code init}. */
    public static Session open(Path dir) {
        Home home = new Home(dir);
        AuthorId self;
        try {
            self = home.selfId().orElse(null);
        } catch (IOException e) {
            throw new UserError(ExitCodes.FAILURE, e.getMessage());
        }
        if (self == null || !home.hasIdentity()) {
            throw new UserError(ExitCodes.IDENTITY, "no identity in " + dir + " yet: run 'grapevine init' first");
        }
        return new Session(home, self);
    }

    public Home home() {
        return home;
    }

    public AuthorId self() {
        return self;
    }

    public Store store() {
        if (store == null) store = Store.open(home.storeFile());
        return store;
    }

    /** The home's blob files when no daemon runs (with the default maximum blob size), closed with the session. */
    private BlobStore blobs() {
        if (blobs == null) blobs = new BlobStore(home.blobDir(), store(), Node.Blobs.DEFAULTS.maxSize(), System::currentTimeMillis);
        return blobs;
    }

    /**
     * Signs and stores {@code content} as the user's next entry: by the daemon's node, on its loop,
     * when one runs on this home (a daemon that is stopping stores nothing more: the call fails
     * with "node closed"), else here with the unlocked key.
     */
    public Entry publish(Content content) {
        ApiRequest request = new ApiRequest.Publish(content.type(), Base64.getEncoder().encodeToString(ContentCodec.encode(content)));
        Optional<ApiResponse> remote = askDaemon(request);
        if (remote.isEmpty()) return new Publisher(unlock(), store(), Clock.systemUTC()).publish(content);
        return decode(expect(remote.get(), request, ApiResponse.Published.class).entry());
    }

    /** An entry as the local API hands it over (canonical bytes, base64). */
    public static Entry decode(String entry) {
        try {
            return Entry.decode(Base64.getDecoder().decode(entry));
        } catch (Malformed | IllegalArgumentException e) {
            throw new UserError(ExitCodes.INTERNAL, "the node handed over an entry that does not decode: " + e.getMessage());
        }
    }

    /**
     * Asks the local API: the daemon's when one runs on this home (over its control socket), else
     * this home's store alone. A failure becomes the user's one line and exit code; an answer of
     * another kind than {@code type} is a bug.
     */
    public <T extends ApiResponse> T ask(ApiRequest request, Class<T> type) {
        ApiResponse answer = askDaemon(request).orElseGet(() -> LocalApi.storeOnly(store(), this::blobs, home, self).handle(request));
        return expect(answer, request, type);
    }

    private static <T extends ApiResponse> T expect(ApiResponse answer, ApiRequest request, Class<T> type) {
        if (answer instanceof ApiResponse.Failed f) throw new UserError(f.exit(), f.message());
        if (!type.isInstance(answer)) throw new UserError(ExitCodes.INTERNAL, "the local API answered " + answer + " to " + request);
        return type.cast(answer);
    }

    /** The answer of the daemon on this home's control socket; empty when none listens there. */
    private Optional<ApiResponse> askDaemon(ApiRequest request) {
        Optional<byte[]> remote;
        try {
            remote = ControlClient.call(home.controlSocket(), ApiCodec.encode(request));
        } catch (IOException e) {
            throw new UserError(ExitCodes.FAILURE, "the daemon on " + home.dir() + " did not answer: " + e.getMessage());
        }
        if (remote.isEmpty()) return Optional.empty();
        try {
            return Optional.of(ApiCodec.decodeResponse(remote.get()));
        } catch (Malformed e) {
            throw new UserError(ExitCodes.INTERNAL, "the daemon's answer did not decode: " + e.getMessage());
        }
    }

    /** The secret key, asking for the passphrase only if the keystore has one. */
    public Identity unlock() {
        try {
            char[] passphrase = null;
            if (Keystore.needsPassphrase(home.keystore())) {
                passphrase = passphrase(false);
            }
            try {
                return Keystore.open(home.keystore(), passphrase);
            } finally {
                if (passphrase != null) Arrays.fill(passphrase, '\0');
            }
        } catch (KeystoreException e) {
            int code = e.reason() == KeystoreException.Reason.WRONG_PASSPHRASE ? ExitCodes.PASSPHRASE : ExitCodes.FAILURE;
            throw new UserError(code, e.getMessage());
        }
    }

    /**
     * The passphrase from {@value #PASSPHRASE_ENV}, else from a prompt on the terminal (asked twice
     * when {@code confirm}); without either there is no way to ask, which is an error.
     */
    public static char[] passphrase(boolean confirm) {
        String env = System.getenv(PASSPHRASE_ENV);
        if (env != null) {
            if (env.isEmpty()) throw new UserError(ExitCodes.PASSPHRASE, PASSPHRASE_ENV + " is set but empty");
            return env.toCharArray();
        }
        Console console = System.console();
        if (console == null || !isTerminal(console)) {
            throw new UserError(ExitCodes.PASSPHRASE,
                    "a passphrase is needed: set " + PASSPHRASE_ENV + " or run in a terminal");
        }
        char[] first = console.readPassword("Passphrase: ");
        if (first == null || first.length == 0) throw new UserError(ExitCodes.PASSPHRASE, "no passphrase given");
        if (confirm) {
            char[] second = console.readPassword("Passphrase again: ");
            boolean same = Arrays.equals(first, second);
            if (second != null) Arrays.fill(second, '\0');
            if (!same) {
                Arrays.fill(first, '\0');
                throw new UserError(ExitCodes.PASSPHRASE, "the passphrases differ");
            }
        }
        return first;
    }

    /** JDK 22+ hands out a console even without a terminal; ask it then (by reflection: we build for 17). */
    private static boolean isTerminal(Console console) {
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException olderJdk) {
            return true;
        }
    }

    /**
     * Resolves what the user typed for a person: a whole id, a unique prefix (at least 4
     * characters after '@') of a known author's id or of someone met nearby, or a petname.
     */
    public AuthorId resolveAuthor(String text) {
        return AuthorId.parse(ask(new ApiRequest.ResolveAuthor(text), ApiResponse.Resolved.class).id());
    }

    @Override
    public void close() {
        try {
            if (blobs != null) blobs.close();
        } finally {
            if (store != null) store.close();
        }
    }
}
