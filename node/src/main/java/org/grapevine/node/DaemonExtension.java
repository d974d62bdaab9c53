package org.grapevine.node;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * Something a daemon's node is started with that the daemon itself does not know of, found on the
 * class path ({@link ServiceLoader}) and switched on by the daemon's environment: a test network's
 * hooks are one (link shaping, a trace of what arrives, the dials its plan asks for).
 */
public interface DaemonExtension extends AutoCloseable {
    /** Makes an extension for a daemon when its environment asks for one. */
    interface Provider {
        /**
         * The extension for a daemon whose environment is {@code env}, or empty when it asks for
         * none; {@link IllegalArgumentException} for an environment that asks for it wrongly.
         */
        Optional<DaemonExtension> open(Map<String, String> env, Consumer<String> events) throws IOException;
    }

    /** The hooks to start the node with. */
    Node.Hooks hooks();

    /** The node is up and serving its commands. */
    void started(Node node);

    @Override
    void close() throws IOException;

    /** The first extension a provider on the class path makes for {@code env}. */
    static Optional<DaemonExtension> fromEnvironment(Map<String, String> env, Consumer<String> events) throws IOException {
        for (Provider p : ServiceLoader.load(Provider.class)) {
            Optional<DaemonExtension> e = p.open(env, events);
            if (e.isPresent()) return e;
        }
        return Optional.empty();
    }
}
