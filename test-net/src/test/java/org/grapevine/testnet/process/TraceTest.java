package org.grapevine.testnet.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.List;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Identity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceTest {
    @TempDir
    Path dir;

    @Test
    void theReaderSeesEachLineOnceAndWaitsForALineToBeFinished() throws Exception {
        Path file = dir.resolve("trace.txt");
        AuthorId alice = Identity.generate(new SecureRandom()).id();
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        EntryId entry = new EntryId(bytes);
        Trace.Reader reader = new Trace.Reader(file);
        assertEquals(List.of(), reader.poll(), "no file yet");
        try (Trace.Writer writer = new Trace.Writer(file)) {
            writer.started(40001);
            writer.received(alice, List.of(entry));
            writer.sent(1234);
        }
        List<Trace.Event> events = reader.poll();
        assertEquals(3, events.size());
        assertEquals(40001, ((Trace.Started) events.get(0)).port());
        assertEquals(List.of(entry), ((Trace.Received) events.get(1)).entries());
        assertEquals(alice, ((Trace.Received) events.get(1)).from());
        assertEquals(new Trace.Sent(1234), events.get(2));

        Files.writeString(file, "peers 5 ", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertEquals(List.of(), reader.poll(), "half a line");
        Files.writeString(file, "2\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertEquals(List.of(new Trace.Peers(5, 2)), reader.poll());
    }

    @Test
    void aLineNotAsWrittenIsAnError() throws Exception {
        for (String bad : List.of("start 1 0\n", "recv 1\n", "sent -4\n", "blob 1 %notablob\n", "hello\n", "peers x 1\n")) {
            Path file = Files.writeString(dir.resolve("bad.txt"), bad, StandardCharsets.UTF_8);
            IOException e = assertThrows(IOException.class, () -> new Trace.Reader(file).poll(), bad);
            assertTrue(e.getMessage().contains("unreadable trace line"), e.getMessage());
        }
    }
}
