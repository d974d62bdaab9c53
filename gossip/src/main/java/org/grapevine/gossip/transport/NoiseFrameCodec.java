package org.grapevine.gossip.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import java.util.List;
import org.grapevine.gossip.handshake.NoiseException;
import org.grapevine.gossip.handshake.TransportCiphers;

/**
 * Noise transport messages: each inbound frame is decrypted to plaintext; outbound plaintext of
 * any size is cut into pieces that fit one Noise message (65,535 bytes with the tag) and
 * encrypted. The plaintext is a byte stream that {@link WireMessageCodec} frames again.
 *
 * <p>The cipher runs from array to array (the JDK's AES-GCM is several times slower on direct
 * buffers): it reads a heap buffer's array in place and a direct buffer after one copy into a
 * scratch array, and writes straight into the array of the heap buffer it passes on.
 */
final class NoiseFrameCodec extends MessageToMessageCodec<ByteBuf, ByteBuf> {
    private final TransportCiphers ciphers;
    private final byte[] scratch = new byte[TransportCiphers.MAX_MESSAGE_LENGTH];

    NoiseFrameCodec(TransportCiphers ciphers) {
        this.ciphers = ciphers;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf plaintext, List<Object> frames) {
        while (plaintext.isReadable()) {
            int n = Math.min(plaintext.readableBytes(), TransportCiphers.MAX_PLAINTEXT_LENGTH);
            byte[] in = readable(plaintext, n);
            int inOffset = in == scratch ? 0 : plaintext.arrayOffset() + plaintext.readerIndex();
            ByteBuf frame = ctx.alloc().heapBuffer(n + TransportCiphers.TAG_LENGTH);
            try {
                frame.writerIndex(ciphers.encrypt(in, inOffset, n, frame.array(), frame.arrayOffset()));
            } catch (RuntimeException e) {
                frame.release();
                throw e;
            }
            plaintext.skipBytes(n);
            frames.add(frame);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> plaintexts) throws NoiseException {
        int n = frame.readableBytes();
        if (n > TransportCiphers.MAX_MESSAGE_LENGTH) throw new NoiseException("frame of " + n + " bytes");
        if (n < TransportCiphers.TAG_LENGTH) throw new NoiseException("frame of " + n + " bytes, shorter than its tag");
        byte[] in = readable(frame, n);
        int inOffset = in == scratch ? 0 : frame.arrayOffset() + frame.readerIndex();
        ByteBuf plaintext = ctx.alloc().heapBuffer(n - TransportCiphers.TAG_LENGTH);
        try {
            plaintext.writerIndex(ciphers.decrypt(in, inOffset, n, plaintext.array(), plaintext.arrayOffset()));
        } catch (NoiseException e) {
            plaintext.release();
            throw e;
        }
        frame.skipBytes(n);
        plaintexts.add(plaintext);
    }

    /**
     * The array holding the next {@code n} readable bytes of {@code buf}: its own (from {@code
     * arrayOffset() + readerIndex()}), or the scratch array (from 0) with a copy of them.
     */
    private byte[] readable(ByteBuf buf, int n) {
        if (buf.hasArray()) return buf.array();
        buf.getBytes(buf.readerIndex(), scratch, 0, n);
        return scratch;
    }
}
