package org.grapevine.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.grapevine.node.Home;
import org.grapevine.node.store.Store;

/**
 * Holds a home's store open in a process of its own, as a running node would: prints "ready"
 * once it holds the store, and lets go when its stdin reaches end of file.
 */
public final class StoreHolder {
    private StoreHolder() {}

    public static void main(String[] args) throws IOException {
        try (Store store = Store.open(new Home(Path.of(args[0])).storeFile())) {
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() != -1) {
                // Only end of file matters.
            }
        }
    }
}
