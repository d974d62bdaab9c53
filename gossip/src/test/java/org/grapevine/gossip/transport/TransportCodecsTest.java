package org.grapevine.gossip.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.LengthFieldPrepender;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.grapevine.gossip.handshake.NoiseCipher;
import org.grapevine.gossip.handshake.NoiseException;
import org.grapevine.gossip.handshake.TransportCiphers;
import org.grapevine.gossip.handshake.TransportCiphersTest;
import org.grapevine.gossip.wire.WireCodec;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.gossip.wire.WireMessage.BlobChunk;
import org.grapevine.gossip.wire.WireMessage.BlobGet;
import org.grapevine.gossip.wire.WireMessage.BlobHave;
import org.grapevine.gossip.wire.WireMessage.Goodbye;
import org.grapevine.gossip.wire.WireMessage.Ping;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.blob.BlobHasher;
import org.junit.jupiter.api.Test;

/**
 * The layers under a session, as {@link Transport} stacks them after the handshake: Noise frames
 * (encrypted from and decrypted into heap arrays, without copies) and wire messages (a chunk's
 * data sent from its own array, frames joined without copies).
 */
class TransportCodecsTest {
    private static final int CHUNK = BlobHasher.CHUNK_SIZE;
    private static final BlobId BLOB = new BlobId(new byte[32]);
    private final SplittableRandom random = new SplittableRandom(7);
    private final TransportCiphers[] session = session();

    /** A completed XX session: [0] the initiator's ciphers, [1] the responder's. */
    private static TransportCiphers[] session() {
        try {
            return TransportCiphersTest.session(NoiseCipher.AESGCM);
        } catch (NoiseException e) {
            throw new AssertionError(e);
        }
    }

    /** The layers from the socket up to wire messages, as {@link Transport} has them once the handshake is done. */
    private static EmbeddedChannel stack(TransportCiphers ciphers) {
        return new EmbeddedChannel(Transport.frames(Transport.MAX_NOISE_FRAME, 2), new LengthFieldPrepender(2),
                new NoiseFrameCodec(ciphers), Transport.frames(WireCodec.MAX_MESSAGE, 4), new WireMessageCodec());
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** A chunk of a blob of {@code chunks} full chunks; its proof is not checked here. */
    private BlobChunk chunk(int index, int length) {
        return new BlobChunk(BLOB, 4L * CHUNK, index, List.of(bytes(32), bytes(32)), bytes(length));
    }

    /** Everything the channel wrote, in order, released. */
    private static byte[] outbound(EmbeddedChannel channel) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            out.writeBytes(ByteBufUtil.getBytes(b));
            b.release();
        }
        return out.toByteArray();
    }

    private static byte[] framed(WireMessage m) {
        byte[] encoded = WireCodec.encode(m);
        return ByteBuffer.allocate(4 + encoded.length).putInt(encoded.length).put(encoded).array();
    }

    @Test
    void messagesCrossTheStackWhateverPiecesTheBytesArriveIn() {
        BitSet held = new BitSet();
        held.set(1, 3);
        List<WireMessage> sent = List.of(new Ping(1), chunk(0, CHUNK), BlobHave.of(BLOB, 4L * CHUNK, held),
                chunk(3, 1), new BlobGet(BLOB, List.of(0, 3)), chunk(1, CHUNK), new Goodbye(WireMessage.Reason.SHUTDOWN, "bye"));
        EmbeddedChannel a = stack(session[0]);
        for (WireMessage m : sent) a.writeOutbound(m);
        byte[] wire = outbound(a);

        EmbeddedChannel b = stack(session[1]);
        for (int at = 0; at < wire.length; ) {
            // Socket reads of any size, into direct buffers as epoll does.
            int n = Math.min(wire.length - at, 1 + random.nextInt(random.nextBoolean() ? 100 : 200_000));
            b.writeInbound(Unpooled.directBuffer(n).writeBytes(wire, at, n));
            at += n;
        }
        List<WireMessage> received = new ArrayList<>();
        int cost = 0;
        for (Framed f; (f = b.readInbound()) != null; cost += f.cost()) received.add(f.message());
        assertEquals(sent, received);
        assertEquals(sent.stream().mapToInt(m -> WireMessageCodec.cost(m, 4 + WireCodec.encode(m).length)).sum(), cost);
        for (WireMessage m : sent) {
            int size = 4 + WireCodec.encode(m).length;
            assertTrue(WireMessageCodec.cost(m, size) >= size, "a message costs at least its bytes: " + m);
        }
        b.finishAndReleaseAll();
    }

    @Test
    void aChunksDataGoesOutAsABufferOverItsOwnArrayAndTheBytesAreTheCodecs() {
        BlobChunk chunk = chunk(2, CHUNK);
        EmbeddedChannel codec = new EmbeddedChannel(new WireMessageCodec());
        codec.writeOutbound(chunk);
        ByteBuf head = codec.readOutbound();
        ByteBuf body = codec.readOutbound();
        assertSame(chunk.dataUnsafe(), body.array(), "the data is not copied");
        assertEquals(CHUNK, body.readableBytes());
        byte[] both = new byte[head.readableBytes() + body.readableBytes()];
        head.readBytes(both, 0, head.readableBytes());
        body.readBytes(both, both.length - CHUNK, CHUNK);
        head.release();
        body.release();
        assertArrayEquals(framed(chunk), both);
        assertNull(codec.readOutbound());

        for (WireMessage m : List.of(new Ping(5), chunk(3, 0), new Goodbye(WireMessage.Reason.TIMEOUT, "late"))) {
            codec.writeOutbound(m);
            assertArrayEquals(framed(m), outbound(codec), m::toString);
        }
    }

    @Test
    void noiseFramesAreFullSizeAndOpenFromHeapOrDirectBuffers() {
        byte[] plaintext = bytes(200_000);
        EmbeddedChannel sender = new EmbeddedChannel(new NoiseFrameCodec(session[0]));
        sender.writeOutbound(Unpooled.wrappedBuffer(plaintext));
        sender.writeOutbound(Unpooled.directBuffer(plaintext.length).writeBytes(plaintext));
        List<byte[]> frames = new ArrayList<>();
        for (ByteBuf f; (f = sender.readOutbound()) != null; f.release()) frames.add(ByteBufUtil.getBytes(f));
        int perPlaintext = (plaintext.length + TransportCiphers.MAX_PLAINTEXT_LENGTH - 1) / TransportCiphers.MAX_PLAINTEXT_LENGTH;
        assertEquals(2 * perPlaintext, frames.size());
        assertEquals(TransportCiphers.MAX_MESSAGE_LENGTH, frames.get(0).length);

        EmbeddedChannel receiver = new EmbeddedChannel(new NoiseFrameCodec(session[1]));
        for (int i = 0; i < frames.size(); i++) {
            byte[] f = frames.get(i);
            receiver.writeInbound(i % 2 == 0 ? Unpooled.wrappedBuffer(f) : Unpooled.directBuffer(f.length).writeBytes(f));
        }
        ByteArrayOutputStream opened = new ByteArrayOutputStream();
        for (ByteBuf p; (p = receiver.readInbound()) != null; p.release()) opened.writeBytes(ByteBufUtil.getBytes(p));
        byte[] expected = new byte[2 * plaintext.length];
        System.arraycopy(plaintext, 0, expected, 0, plaintext.length);
        System.arraycopy(plaintext, 0, expected, plaintext.length, plaintext.length);
        assertArrayEquals(expected, opened.toByteArray());
    }

    @Test
    void aTamperedFrameIsRejectedAndNothingOfItPassesOn() {
        EmbeddedChannel sender = new EmbeddedChannel(new NoiseFrameCodec(session[0]));
        byte[] plaintext = bytes(1000);
        sender.writeOutbound(Unpooled.wrappedBuffer(plaintext));
        ByteBuf sealed = sender.readOutbound();
        byte[] frame = ByteBufUtil.getBytes(sealed);
        sealed.release();

        EmbeddedChannel receiver = new EmbeddedChannel(new NoiseFrameCodec(session[1]));
        for (boolean direct : new boolean[] {false, true}) {
            byte[] tampered = frame.clone();
            tampered[500] ^= 1;
            ByteBuf in = direct ? Unpooled.directBuffer(tampered.length).writeBytes(tampered) : Unpooled.wrappedBuffer(tampered);
            DecoderException e = assertThrows(DecoderException.class, () -> receiver.writeInbound(in));
            assertInstanceOf(NoiseException.class, e.getCause());
            assertNull(receiver.readInbound());
        }
        DecoderException shorter = assertThrows(DecoderException.class, () -> receiver.writeInbound(Unpooled.wrappedBuffer(new byte[15])));
        assertInstanceOf(NoiseException.class, shorter.getCause());

        // The failures left the nonce alone: the genuine frame still opens.
        receiver.writeInbound(Unpooled.wrappedBuffer(frame));
        ByteBuf opened = receiver.readInbound();
        assertArrayEquals(plaintext, ByteBufUtil.getBytes(opened));
        opened.release();
    }
}
