package org.grapevine.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.IdText;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Keystore;
import org.grapevine.identity.KeystoreException;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.Home;
import org.grapevine.node.Node;
import org.grapevine.node.Publisher;
import org.grapevine.node.blob.BlobStore;
import org.grapevine.node.store.Store;
import org.grapevine.identity.Malformed;
import org.grapevine.node.control.ControlClient;
import org.grapevine.node.api.LocalApi;
import org.grapevine.node.api.ApiResponse;
import org.grapevine.node.api.ApiRequest;
import org.grapevine.node.api.ApiCodec;

/**
 * One command's access to a home: its public id, its store and blob files, and (only for commands
 * that write) the secret key, unlocked with the passphrase from the environment or a prompt.
 */
public final class Session implements AutoCloseable {
    public static final String PASSPHRASE_ENV = "GRAPEVINE_PASSPHRASE";
    /** How many recent posts a blob id prefix is looked up in when no blob held here matches. */
    private static final int RECENT_POSTS = 1_000;

    /** What a running daemon lends the commands it runs for the control channel. */
    public record Daemon(Home home, AuthorId self, Identity identity, Store store, Node node) {}

    private static volatile Daemon daemon;

    private final Home home;
    private final AuthorId self;
    private final Daemon attached;
    private Store store;
    private BlobStore blobs;

    private Session(Home home, AuthorId self, Daemon attached) {
        this.home = home;
        this.self = self;
        this.attached = attached;
        if (attached != null) this.store = attached.store();
    }

    /** From now on, commands in this process use the daemon's store, key and node. */
    public static void attach(Daemon d) {
        daemon = d;
    }

    public static void detach() {
        daemon = null;
    }

    /** True in a daemon's process, where commands come over the control channel. */
    public static boolean inDaemon() {
        return daemon != null;
    }

    /** Whether this process runs on a terminal the user watches. */
    public static boolean onTerminal() {
        Console console = System.console();
        return console != null && isTerminal(console);
    }

    /**
     * Opens a home that has an identity; fails with a clear message before {@code init}. Inside a
     * daemon every command works on the daemon's own home, whatever directory it names.
     */
    public static Session open(Path dir) {
        Daemon d = daemon;
        if (d != null) return new Session(d.home(), d.self(), d);
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
        return new Session(home, self, null);
    }

    /** The running node when this command runs inside the daemon. */
    public Optional<Node> node() {
        return attached == null ? Optional.empty() : Optional.of(attached.node());
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

    /**
     * The blob files: the daemon's, which its fetches write to, or without a daemon this
     * session's own (with the default maximum blob size), closed with the session.
     */
    public BlobStore blobs() {
        if (attached != null) return attached.node().blobFiles();
        if (blobs == null) blobs = new BlobStore(home.blobDir(), store(), Node.Blobs.DEFAULTS.maxSize(), System::currentTimeMillis);
        return blobs;
    }

    /** How this home shows entries, attachments included with what is here of them. */
    public Render render() {
        return new Render(store().indexes(), self, blobs());
    }

    /**
     * Signs and stores {@code content} as the user's next entry: by the daemon's node, on its loop,
     * when one runs (a daemon that is stopping stores nothing more: the call fails with "node closed").
     */
    public Entry publish(Content content) {
        if (attached == null) {
            ApiRequest request = new ApiRequest.Publish(content.type(),
                    java.util.Base64.getEncoder().encodeToString(org.grapevine.identity.content.ContentCodec.encode(content)));
            Optional<ApiResponse> remote = askDaemon(request);
            if (remote.isEmpty()) return new Publisher(unlock(), store(), Clock.systemUTC()).publish(content);
            ApiResponse.Published p = expect(remote.get(), request, ApiResponse.Published.class);
            try {
                return Entry.decode(java.util.Base64.getDecoder().decode(p.entry()));
            } catch (Malformed | IllegalArgumentException e) {
                throw new UserError(ExitCodes.INTERNAL, "the daemon handed back an entry that does not decode: " + e.getMessage());
            }
        }
        try {
            return attached.node().publish(content).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    /**
     * Asks the local API: the daemon's when one runs on this home (over its control socket, or
     * in its own process for a command it runs), else this home's store alone. A failure becomes
     * the user's one line and exit code; an answer of another kind than {@code type} is a bug.
     */
    public <T extends ApiResponse> T ask(ApiRequest request, Class<T> type) {
        ApiResponse answer = attached != null
                ? LocalApi.daemon(attached.node(), attached.store(), home).handle(request)
                : askDaemon(request).orElseGet(() -> LocalApi.storeOnly(store(), home, self).handle(request));
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
        if (attached != null) return attached.identity();
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

    /** Resolves a whole entry id or a unique prefix of a held one (at least 6 characters after '%'). */
    public EntryId resolveEntry(String text) {
        String s = text.strip();
        if (s.length() == 1 + IdText.BODY_CHARS) return EntryId.parse(s);
        if (!s.startsWith("%")) throw new UserError(ExitCodes.USAGE, "an entry id starts with '%': " + s);
        if (s.length() < 7) throw new UserError(ExitCodes.USAGE, "entry id prefix '" + s + "' is too short: give at least 6 characters after '%'");
        List<EntryId> found = store().entriesWithPrefix(IdText.parsePrefix(IdText.Kind.ENTRY, s), 2);
        if (found.isEmpty()) throw new UserError("no entry here has an id starting with " + s);
        if (found.size() > 1) throw new UserError("several entries have ids starting with " + s + ": type more of it");
        return found.get(0);
    }

    /**
     * Resolves a whole blob id or a unique prefix (at least 6 characters after '^') of a blob held
     * here or attached to one of the newest posts in the feed.
     */
    public BlobId resolveBlob(String text) {
        String s = text.strip();
        if (s.length() == 1 + IdText.BODY_CHARS) return BlobId.parse(s);
        if (!s.startsWith("^")) throw new UserError(ExitCodes.USAGE, "a blob id starts with '^': " + s);
        if (s.length() < 7) throw new UserError(ExitCodes.USAGE, "blob id prefix '" + s + "' is too short: give at least 6 characters after '^'");
        IdText.Prefix prefix = IdText.parsePrefix(IdText.Kind.BLOB, s);
        java.util.Set<BlobId> found = new java.util.LinkedHashSet<>();
        for (BlobStore.Held h : blobs().list()) {
            if (prefix.matches(h.id().bytes())) found.add(h.id());
        }
        if (found.isEmpty()) {
            var posts = store().indexes().timelineOf(self, RECENT_POSTS,
                    e -> e.header().contentType() == Content.POST && e.hasContent());
            for (Entry e : posts) {
                if (Render.content(e) instanceof Content.Post p) {
                    for (Content.Attachment a : p.attachments()) {
                        if (prefix.matches(a.blob().bytes())) found.add(a.blob());
                    }
                }
            }
        }
        if (found.isEmpty()) throw new UserError("no blob here or attached to a recent post has an id starting with " + s);
        if (found.size() > 1) throw new UserError("several blobs have ids starting with " + s + ": type more of it");
        return found.iterator().next();
    }

    /** The entry with this id, or a clear error. */
    public Entry entry(EntryId id) {
        return store().get(id).orElseThrow(() -> new UserError("no entry " + id + " in this store"));
    }

    @Override
    public void close() {
        if (attached != null) return;
        try {
            if (blobs != null) blobs.close();
        } finally {
            if (store != null) store.close();
        }
    }
}
