package org.grapevine.node.control;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.grapevine.node.api.ApiCodec;
import org.grapevine.node.api.ApiResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control socket as a client meets it: one request, one answer, a bounded number answered at once. */
class ControlServerTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir Path tmp;
    private ControlServer server;
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger holding = new AtomicInteger();

    @AfterEach
    void stop() throws IOException {
        release.countDown();
        if (server != null) server.close();
    }

    private Path socket() {
        return tmp.resolve("control.sock");
    }

    /** Answers "hold" once the test releases it, anything else at once, with the request itself. */
    private byte[] answer(byte[] request) {
        if (new String(request, UTF_8).equals("hold")) {
            holding.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return request;
    }

    private static CompletableFuture<Optional<byte[]>> client(Path socket, String request) {
        // A thread of its own: clients block, and the common pool may have a single worker.
        return CompletableFuture.supplyAsync(() -> {
            try {
                return ControlClient.call(socket, request.getBytes(UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, r -> {
            Thread t = new Thread(r, "control-client");
            t.setDaemon(true);
            t.start();
        });
    }

    @Test
    void aRequestGetsItsAnswerAndTheSocketIsTheOwnersOnly() throws Exception {
        server = ControlServer.start(socket(), this::answer);

        assertArrayEquals("hello".getBytes(UTF_8), ControlClient.call(socket(), "hello".getBytes(UTF_8)).orElseThrow());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(socket())));
    }

    @Test
    void withNoDaemonThereIsNoAnswerAndASecondDaemonOnTheHomeIsRefused() throws Exception {
        assertEquals(Optional.empty(), ControlClient.call(socket(), "x".getBytes(UTF_8)), "no socket file");
        server = ControlServer.start(socket(), this::answer);
        IOException second = assertThrows(IOException.class, () -> ControlServer.start(socket(), this::answer));
        assertTrue(second.getMessage().contains("already running"), second.getMessage());
    }

    @Test
    void aLongRequestDoesNotHoldUpTheOthers() throws Exception {
        server = ControlServer.start(socket(), this::answer);
        CompletableFuture<Optional<byte[]>> held = client(socket(), "hold");
        await().atMost(PATIENCE).until(() -> holding.get() == 1);

        assertArrayEquals("quick".getBytes(UTF_8), client(socket(), "quick").get(20, TimeUnit.SECONDS).orElseThrow());

        release.countDown();
        assertArrayEquals("hold".getBytes(UTF_8), held.get(20, TimeUnit.SECONDS).orElseThrow());
    }

    @Test
    void withEverySlotTakenTheNextRequestIsToldTheDaemonIsBusy() throws Exception {
        server = ControlServer.start(socket(), this::answer);
        List<CompletableFuture<Optional<byte[]>>> held = new ArrayList<>();
        for (int i = 0; i < ControlServer.MAX_RUNNING; i++) held.add(client(socket(), "hold"));
        await().atMost(PATIENCE).until(() -> holding.get() == ControlServer.MAX_RUNNING);

        byte[] refused = client(socket(), "{}").get(20, TimeUnit.SECONDS).orElseThrow();

        ApiResponse.Failed busy = assertInstanceOf(ApiResponse.Failed.class, ApiCodec.decodeResponse(refused));
        assertTrue(busy.message().startsWith("the daemon is answering " + ControlServer.MAX_RUNNING + " requests"), busy.message());
        assertEquals(ControlServer.BUSY_EXIT, busy.exit());
        release.countDown();
        for (var h : held) assertArrayEquals("hold".getBytes(UTF_8), h.get(20, TimeUnit.SECONDS).orElseThrow());
    }

    @Test
    void whatIsNotARequestIsCutUnanswered() throws Exception {
        server = ControlServer.start(socket(), this::answer);
        // Another program's bytes, and a request that says it is larger than any request may be.
        for (ByteBuffer junk : List.of(ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes(UTF_8)),
                ByteBuffer.allocate(8).putInt(ControlFrames.MAGIC).putInt(ApiCodec.MAX_REQUEST_BYTES + 1).flip())) {
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(socket()));
                ch.write(junk);
                int read;
                try {
                    read = ch.read(ByteBuffer.allocate(64));
                } catch (IOException reset) { // closed with the junk unread
                    read = -1;
                }
                assertEquals(-1, read, "closed without an answer");
            }
        }
        assertArrayEquals("still here".getBytes(UTF_8), ControlClient.call(socket(), "still here".getBytes(UTF_8)).orElseThrow());
    }
}
