package org.grapevine.testnet;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.grapevine.gossip.discovery.PeerAddress;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.blob.BlobHasher;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.ContentCodec;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.Home;
import org.grapevine.node.api.ApiCodec;
import org.grapevine.node.api.ApiRequest;
import org.grapevine.node.api.ApiResponse;
import org.grapevine.node.control.ControlClient;
import org.grapevine.testnet.process.Trace;

/**
 * One node of a test network run as a real {@code grapevine daemon} process: started with the
 * test network's hidden options, driven through its control channel as the CLI drives it, and
 * watched through its {@link Trace}. {@link #kill} is SIGKILL: a real crash.
 */
final class DaemonNode implements TestNode {
    /** Many JVMs starting at once on two cores take their time. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final int LOG_LINES_KEPT = 5;

    private final int index;
    private final Home home;
    private final Identity identity;
    private final DaemonNetwork network;
    private final String host;
    private final Consumer<String> events;
    private final Trace.Reader trace;
    private final List<Trace.Received> arrivals = new ArrayList<>();
    private final Set<BlobId> blobs = new HashSet<>();
    private final Deque<String> lastLines = new ArrayDeque<>();
    private Process process;
    private int port;
    private boolean started;
    private boolean crashReported;
    private int peers;
    private long sentEarlier;
    private long sentNow;

    /**
     * @param host the address it listens on
     * @param port the port it listens on, or 0 for any (then kept for restarts)
     */
    DaemonNode(int index, Home home, Identity identity, DaemonNetwork network, String host, int port, Path traceFile, Consumer<String> events) {
        this.index = index;
        this.home = home;
        this.identity = identity;
        this.network = network;
        this.host = host;
        this.port = port;
        this.trace = new Trace.Reader(traceFile);
        this.events = events;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public AuthorId id() {
        return identity.id();
    }

    @Override
    public AuthorId personaWith(AuthorId other) {
        return DmRun.persona(identity, other);
    }

    @Override
    public boolean alive() {
        return process != null;
    }

    @Override
    public void launch() {
        List<String> args = new ArrayList<>(List.of("--home", home.dir().toString(), "--listen", host + ":" + port));
        ProcessBuilder b = new ProcessBuilder(network.command(index, args)).redirectErrorStream(true);
        b.environment().remove("GRAPEVINE_HOME");
        b.environment().remove("GRAPEVINE_PASSPHRASE");
        b.environment().remove("JAVA_TOOL_OPTIONS");
        b.environment().remove("JDK_JAVA_OPTIONS");
        b.environment().putAll(network.environment(index));
        sentEarlier += sentNow;
        sentNow = 0;
        started = false;
        crashReported = false;
        peers = 0;
        try {
            process = b.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new ScenarioRunner.ScenarioFailure("cannot start node " + index + ": " + e.getMessage());
        }
        Process p = process;
        Thread reader = new Thread(() -> readLog(p), "node-" + index + "-log");
        reader.setDaemon(true);
        reader.start();
    }

    private void readLog(Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                // "2025-01-01T10:00:00.123Z text": the runner has its own clock.
                int space = line.indexOf(' ');
                String text = space > 0 && Character.isDigit(line.charAt(0)) ? line.substring(space + 1) : line;
                synchronized (lastLines) {
                    lastLines.addLast(text);
                    if (lastLines.size() > LOG_LINES_KEPT) lastLines.removeFirst();
                }
                events.accept(text);
            }
        } catch (IOException ended) {
            // The process is gone; its log is complete.
        }
    }

    @Override
    public void awaitStarted() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!started) {
            poll();
            if (started) return;
            if (!process.isAlive()) throw new ScenarioRunner.ScenarioFailure(exitText());
            if (System.nanoTime() > deadline) {
                throw new ScenarioRunner.ScenarioFailure("node " + index + " did not start within " + START_TIMEOUT.toSeconds() + " s");
            }
            ScenarioRunner.pause(Duration.ofMillis(20));
        }
    }

    private String exitText() {
        String last;
        synchronized (lastLines) {
            last = lastLines.isEmpty() ? "no output" : String.join(" / ", lastLines);
        }
        return "node " + index + "'s daemon exited with code " + process.exitValue() + ": " + last;
    }

    /** Reads what the daemon traced since the last call; arrivals wait in {@link #drainArrivals}. */
    void poll() {
        List<Trace.Event> fresh;
        try {
            fresh = trace.poll();
        } catch (IOException e) {
            throw new ScenarioRunner.ScenarioFailure("node " + index + ": " + e.getMessage());
        }
        for (Trace.Event e : fresh) {
            if (e instanceof Trace.Started s) {
                if (port != 0 && port != s.port()) throw new ScenarioRunner.ScenarioFailure("node " + index + " moved to port " + s.port());
                port = s.port();
                started = true;
            } else if (e instanceof Trace.Received r) {
                arrivals.add(r);
            } else if (e instanceof Trace.BlobComplete c) {
                blobs.add(c.blob());
            } else if (e instanceof Trace.Peers p) {
                peers = p.count();
            } else if (e instanceof Trace.Sent s) {
                sentNow = s.bytes();
            }
        }
        if (process != null && !process.isAlive() && !crashReported) {
            crashReported = true;
            events.accept("internal error: " + exitText());
        }
    }

    /** The batches that arrived since the last call. */
    List<Trace.Received> drainArrivals() {
        List<Trace.Received> out = List.copyOf(arrivals);
        arrivals.clear();
        return out;
    }

    /** SIGKILL, as a crash or a pulled plug. */
    @Override
    public void kill() {
        if (process == null) return;
        process.destroyForcibly();
        waitFor(process);
        crashReported = true;
        poll();
        process = null;
    }

    /** SIGTERM, and SIGKILL if it has not stopped when the network closes. */
    void stop() {
        if (process != null) {
            crashReported = true;
            process.destroy();
        }
    }

    Optional<Process> process() {
        return Optional.ofNullable(process);
    }

    private static void waitFor(Process p) {
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) throw new IllegalStateException("process " + p.pid() + " outlived SIGKILL");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public InetSocketAddress address() {
        return port == 0 ? null : new InetSocketAddress(host, port);
    }

    @Override
    public void post(String text, Path attachment, String name, Posted posted) {
        BlobId blob = null;
        List<Content.Attachment> attachments = new ArrayList<>();
        if (attachment != null) {
            try {
                blob = BlobHasher.of(attachment);
            } catch (IOException e) {
                throw new ScenarioRunner.ScenarioFailure("cannot read the attachment " + name + ": " + e.getMessage());
            }
            network.watch(blob);
            var added = call(new ApiRequest.AddBlobs(List.of(attachment.toAbsolutePath().toString())), ApiResponse.BlobsAdded.class).added().get(0);
            attachments.add(new Content.Attachment(BlobId.parse(added.id()), added.size(), added.mediaType(), added.name()));
        }
        EntryId entry = EntryId.parse(publish(new Content.Post(text, null, null, List.of(), attachments, "")).id());
        // The post is out when the daemon answers (it takes a while over a request; timing from
        // before the call would count that as delivery time).
        posted.posted(entry, blob, System.nanoTime());
    }

    @Override
    public ChannelSteps.Api api() {
        return new ChannelSteps.Api() {
            @Override
            public <T extends ApiResponse> T ask(ApiRequest request, Class<T> type) {
                return call(request, type);
            }
        };
    }

    @Override
    public void channelPost(String name, String text, Path attachment, Posted posted) {
        // The daemons report a blob once the plan names it: name the encrypted blob once it is known.
        ChannelSteps.post(api(), name, text, attachment, (id, blob, at) -> {
            if (blob != null) network.watch(blob);
            posted.posted(id, blob, at);
        });
    }

    @Override
    public void declareName(String name) {
        publish(new Content.About(name, "", null));
    }

    @Override
    public void follow(TestNode other, boolean introduce) {
        if (introduce) {
            InetSocketAddress a = other.address();
            call(new ApiRequest.AddPeer(new PeerAddress(a.getHostString(), a.getPort(), other.id()).toString(), network.networkName()),
                    ApiResponse.PeerAdded.class);
        }
        publish(new Content.Follow(other.id(), true));
    }

    @Override
    public void dial(TestNode other) {
        network.dial(index, other);
    }

    @Override
    public boolean holdsUnseen(EntryId entry) {
        return false; // The trace shows every arrival, whenever it came.
    }

    @Override
    public boolean hasBlob(BlobId blob) {
        return blobs.contains(blob);
    }

    @Override
    public boolean connected() {
        return peers > 0;
    }

    @Override
    public List<String> feed(int limit, Function<AuthorId, String> nameOf) {
        ApiResponse.Entries view = call(new ApiRequest.Feed(limit, false), ApiResponse.Entries.class);
        List<String> lines = new ArrayList<>();
        for (String encoded : view.entries()) {
            Entry e;
            Content c;
            try {
                e = Entry.decode(Base64.getDecoder().decode(encoded));
                c = e.decodeContent();
            } catch (Malformed bad) {
                lines.add("(unreadable)");
                continue;
            }
            ApiResponse.Name known = view.names().get(e.header().author().toString());
            String who = known != null && known.declared() != null ? known.declared() : nameOf.apply(e.header().author());
            StringBuilder b = new StringBuilder(who + ": " + (c instanceof Content.Post p ? p.text() : c.getClass().getSimpleName()));
            if (c instanceof Content.Post p) {
                for (Content.Attachment a : p.attachments()) {
                    ApiResponse.Held h = view.blobs().get(a.blob().toString());
                    b.append("  [").append(a.name()).append(", ").append(Report.human(a.size()))
                            .append(h != null && h.complete() ? ", here" : ", not here yet").append(']');
                }
            }
            lines.add(b.toString());
        }
        return lines;
    }

    long bytesSent() {
        return sentEarlier + sentNow;
    }

    /** Signs and stores {@code content} as the node's next entry, through its daemon. */
    private ApiResponse.Published publish(Content content) {
        return call(new ApiRequest.Publish(content.type(), Base64.getEncoder().encodeToString(ContentCodec.encode(content))),
                ApiResponse.Published.class);
    }

    /** Asks the daemon over its local API, as the CLI does; its answer, or a failure naming the node and the request. */
    private <T extends ApiResponse> T call(ApiRequest request, Class<T> type) {
        ApiResponse answer;
        try {
            Optional<byte[]> bytes = ControlClient.call(home.controlSocket(), ApiCodec.encode(request));
            if (bytes.isEmpty()) throw new ScenarioRunner.ScenarioFailure("node " + index + "'s daemon is not running");
            answer = ApiCodec.decodeResponse(bytes.get());
        } catch (IOException | Malformed e) {
            throw new ScenarioRunner.ScenarioFailure("node " + index + " did not answer " + request + ": " + e.getMessage());
        }
        if (answer instanceof ApiResponse.Failed f) throw new ScenarioRunner.ScenarioFailure("node " + index + ": " + request + " failed: " + f.message());
        if (!type.isInstance(answer)) throw new ScenarioRunner.ScenarioFailure("node " + index + " answered " + answer + " to " + request);
        return type.cast(answer);
    }
}
