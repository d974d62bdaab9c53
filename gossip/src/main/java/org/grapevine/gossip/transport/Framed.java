package org.grapevine.gossip.transport;

import org.grapevine.gossip.wire.WireMessage;

/** A decoded message with the bytes its frame took, so that unhandled input can be counted per peer. */
record Framed(WireMessage message, int bytes) {}
