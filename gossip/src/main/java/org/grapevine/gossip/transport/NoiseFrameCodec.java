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
 */
final class NoiseFrameCodec extends MessageToMessageCodec<ByteBuf, ByteBuf> {
    private final TransportCiphers ciphers;
    private final byte[] in = new byte[TransportCiphers.MAX_MESSAGE_LENGTH];
    private final byte[] out = new byte[TransportCiphers.MAX_MESSAGE_LENGTH];

    NoiseFrameCodec(TransportCiphers ciphers) {
        this.ciphers = ciphers;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf plaintext, List<Object> frames) {
        while (plaintext.isReadable()) {
            int n = Math.min(plaintext.readableBytes(), TransportCiphers.MAX_PLAINTEXT_LENGTH);
            plaintext.readBytes(in, 0, n);
            int len = ciphers.encrypt(in, 0, n, out, 0);
            frames.add(ctx.alloc().buffer(len).writeBytes(out, 0, len));
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> plaintexts) throws NoiseException {
        int n = frame.readableBytes();
        if (n > TransportCiphers.MAX_MESSAGE_LENGTH) throw new NoiseException("frame of " + n + " bytes");
        frame.readBytes(in, 0, n);
        int len = ciphers.decrypt(in, 0, n, out, 0);
        plaintexts.add(ctx.alloc().buffer(len).writeBytes(out, 0, len));
    }
}
