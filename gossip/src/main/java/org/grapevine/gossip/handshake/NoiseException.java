package org.grapevine.gossip.handshake;

/**
 * A Noise message that fails to authenticate or to parse, or a handshake that cannot go on
 * (low-order key, exhausted nonce); the peer that caused it should be disconnected.
 */
public final class NoiseException extends Exception {
    public NoiseException(String message) {
        super(message);
    }

    public NoiseException(String message, Throwable cause) {
        super(message, cause);
    }
}
