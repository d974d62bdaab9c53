package org.grapevine.node.store;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.grapevine.identity.Identity;
import org.grapevine.identity.content.Content;
import org.grapevine.node.Publisher;

/**
 * Run by {@link StoreErrorsIT} under a low limit of open files: posts, takes every file descriptor
 * left, tries to post and to read, gives them back, posts again. Prints one line per step.
 */
public final class StoreErrorsChild {
    private StoreErrorsChild() {}

    public static void main(String[] args) throws Exception {
        Store store = Store.open(Path.of(args[0]));
        Identity me = Logs.identity(7);
        Publisher publisher = new Publisher(me, store, java.time.Clock.systemUTC());
        for (int i = 0; i < 5; i++) publisher.publish(Content.Post.text("before " + i));
        List<FileInputStream> hogs = new ArrayList<>();
        hog(hogs);
        System.out.println("hogged " + hogs.size());
        for (int i = 0; i < 3; i++) {
            hog(hogs); // Whatever the JVM let go of meanwhile is taken too.
            try {
                publisher.publish(Content.Post.text("while full " + i));
                System.out.println("post ok");
            } catch (StoreException e) {
                System.out.println("post failed: " + e.getMessage());
            } catch (RuntimeException e) {
                System.out.println("post failed unexpectedly: " + e);
            }
            try {
                System.out.println("read " + store.headSeq(me.id()) + " " + store.log(me.id(), 1, 100).size());
            } catch (RuntimeException e) {
                System.out.println("read failed: " + e);
            }
        }
        for (FileInputStream h : hogs) h.close();
        try {
            publisher.publish(Content.Post.text("after"));
            System.out.println("post after ok");
        } catch (RuntimeException e) {
            System.out.println("post after failed: " + e);
        }
        System.out.println("read " + store.headSeq(me.id()) + " " + store.log(me.id(), 1, 100).size());
        store.close();
        System.out.println("closed");
    }

    /** Opens files until none can be opened. */
    private static void hog(List<FileInputStream> hogs) {
        try {
            while (true) hogs.add(new FileInputStream("/proc/self/stat"));
        } catch (IOException none) {
            // Every descriptor is taken.
        }
    }
}
