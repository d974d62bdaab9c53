package org.grapevine.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.grapevine.node.control.ControlClient;
import org.grapevine.node.control.ControlServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's control channel on a real Unix socket: output reaches the client while the
 * command still runs, commands run side by side, and a command learns when its user has gone.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ControlChannelTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir Path tmp;
    private ControlServer server;
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() throws IOException {
        release.countDown();
        if (server != null) server.close();
    }

    private Path socket() {
        return tmp.resolve("control.sock");
    }

    /** Commands: "say TEXT" prints a line; "hold" prints a line then waits for the test; "both" prints to both. */
    private int run(List<String> args, PrintWriter out, PrintWriter err) {
        switch (args.get(0)) {
            case "say" -> out.println(args.get(1));
            case "hold" -> {
                out.println("holding");
                awaitRelease();
                out.println("released");
            }
            case "both" -> {
                out.println("out 1");
                err.println("err 1");
                out.println("out 2");
                err.println("err 2");
                return 3;
            }
            default -> throw new IllegalArgumentException(args.toString());
        }
        return 0;
    }

    private void awaitRelease() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What one client saw, as it arrived. */
    private record Seen(ByteArrayOutputStream out, ByteArrayOutputStream err, CompletableFuture<Optional<Integer>> exit) {
        String outText() {
            return out.toString(UTF_8);
        }
    }

    private Seen client(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // A thread of its own: clients block, and the common pool may have a single worker.
        CompletableFuture<Optional<Integer>> exit = CompletableFuture.supplyAsync(() -> {
            try {
                return ControlClient.run(socket(), List.of(args), out, err);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, r -> {
            Thread t = new Thread(r, "control-client");
            t.setDaemon(true);
            t.start();
        });
        return new Seen(out, err, exit);
    }

    @Test
    void outputArrivesWhileTheCommandStillRuns() throws Exception {
        server = ControlServer.start(socket(), this::run);

        Seen hold = client("hold");

        await().atMost(PATIENCE).until(() -> hold.outText().equals("holding\n"));
        assertTrue(!hold.exit().isDone(), "the command ended before it was released");
        release.countDown();
        assertEquals(Optional.of(0), hold.exit().get(20, TimeUnit.SECONDS));
        assertEquals("holding\nreleased\n", hold.outText());
    }

    @Test
    void aLongCommandDoesNotHoldUpTheOthers() throws Exception {
        server = ControlServer.start(socket(), this::run);
        Seen hold = client("hold");
        await().atMost(PATIENCE).until(() -> hold.outText().equals("holding\n"));

        Seen quick = client("say", "hi");

        assertEquals(Optional.of(0), quick.exit().get(20, TimeUnit.SECONDS));
        assertEquals("hi\n", quick.outText());
        assertTrue(!hold.exit().isDone());
    }

    @Test
    void outputAndErrorsKeepTheirOrderAndTheExitCodeComesLast() throws Exception {
        server = ControlServer.start(socket(), this::run);
        StringBuilder both = new StringBuilder();
        OutputStream out = tagged(both, "o:");
        OutputStream err = tagged(both, "e:");

        Optional<Integer> code = ControlClient.run(socket(), List.of("both"), out, err);

        assertEquals(Optional.of(3), code);
        assertEquals("o:out 1\ne:err 1\no:out 2\ne:err 2\n", both.toString());
    }

    @Test
    void aCommandLearnsThatItsUserWentAway() throws Exception {
        CountDownLatch noticed = new CountDownLatch(1);
        server = ControlServer.start(socket(), (args, out, err) -> {
            out.println("started");
            while (!out.checkError()) out.println("still here");
            noticed.countDown();
            return 1;
        });

        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket()));
            byte[] arg = "wait".getBytes(UTF_8);
            ch.write(ByteBuffer.allocate(8 + arg.length).putInt(1).putInt(arg.length).put(arg).flip());
            ch.read(ByteBuffer.allocate(64)); // The command runs.
        }

        assertTrue(noticed.await(20, TimeUnit.SECONDS), "the command went on printing to nobody");
    }

    @Test
    void withEverySlotTakenTheNextCommandIsToldTheDaemonIsBusy() throws Exception {
        server = ControlServer.start(socket(), this::run);
        List<Seen> holding = new ArrayList<>();
        for (int i = 0; i < 8; i++) holding.add(client("hold"));
        await().atMost(PATIENCE).until(() -> holding.stream().allMatch(h -> h.outText().startsWith("holding")));

        Seen refused = client("say", "hi");

        assertEquals(Optional.of(1), refused.exit().get(20, TimeUnit.SECONDS));
        assertEquals("", refused.outText());
        assertTrue(refused.err().toString(UTF_8).startsWith("grapevine: the daemon is running 8 commands"), refused.err().toString(UTF_8));
        release.countDown();
        for (Seen h : holding) assertEquals(Optional.of(0), h.exit().get(20, TimeUnit.SECONDS));
    }

    private static OutputStream tagged(StringBuilder log, String tag) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (log) {
                    for (String line : new String(b, off, len, UTF_8).split("(?<=\n)")) log.append(tag).append(line);
                }
            }
        };
    }
}
