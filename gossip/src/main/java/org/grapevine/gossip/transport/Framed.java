package org.grapevine.gossip.transport;

import org.grapevine.gossip.wire.WireMessage;

/** A decoded message with what it costs while it waits for the node, so that unhandled input can be bounded. */
record Framed(WireMessage message, int cost) {}
