package org.grapevine.node.store;

import java.nio.file.Path;

/** Run in a child JVM by {@link StoreTest}: tries to open a store and says on stdout what happened. */
public final class StoreOpener {
    private StoreOpener() {}

    public static void main(String[] args) {
        try (Store store = Store.open(Path.of(args[0]))) {
            System.out.println("OPENED " + store.authors().size());
        } catch (StoreException e) {
            System.out.println("FAILED " + e.getMessage());
        }
    }
}
