package org.grapevine.node.mesh;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Copies what the JVM writes to stderr while a test net runs. SLF4J's simple logger writes there
 * (it looks System.err up on every line), so Netty's warnings about exceptions nobody handled and
 * the transport's error log show up here even when no event line mentions them.
 */
final class StderrWatch implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    StderrWatch() {
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (copy) {
                    copy.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (copy) {
                    copy.write(b, off, len);
                }
                original.write(b, off, len);
            }

            @Override
            public void flush() {
                original.flush();
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    /** Lines that report a warning, an error or an exception. */
    List<String> alarms() {
        String text;
        synchronized (copy) {
            text = copy.toString(StandardCharsets.UTF_8);
        }
        return text.lines()
                .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("Exception"))
                .toList();
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
