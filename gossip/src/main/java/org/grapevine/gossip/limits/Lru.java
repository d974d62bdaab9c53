package org.grapevine.gossip.limits;

import java.util.LinkedHashMap;
import java.util.Map;

/** A map that keeps at most {@code capacity} entries, forgetting the least recently put (or, if asked, used) first. */
public final class Lru<K, V> extends LinkedHashMap<K, V> {
    private final int capacity;

    public Lru(int capacity) {
        this(capacity, false);
    }

    public Lru(int capacity, boolean accessOrder) {
        super(16, 0.75f, accessOrder);
        this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
    }
}
