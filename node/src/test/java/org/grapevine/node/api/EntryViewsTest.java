package org.grapevine.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.grapevine.identity.Identity;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.Publisher;
import org.grapevine.node.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An answer holds as many entries as its budget allows and says when it stopped short. */
class EntryViewsTest {
    @TempDir Path dir;

    @Test
    void aLongLogComesInPagesThatTogetherAreTheWholeLog() {
        Identity me = Identity.generate(new SecureRandom());
        try (Store store = Store.open(dir.resolve("store.db"))) {
            Publisher publisher = new Publisher(me, store, System::currentTimeMillis);
            List<String> all = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                Entry e = publisher.publish(Content.Post.text("post number " + i));
                all.add(Base64.getEncoder().encodeToString(e.encode()));
            }
            int budget = all.get(0).length() * 15 + 10;
            EntryViews views = new EntryViews(store, () -> null, me.id(), budget);

            List<String> read = new ArrayList<>();
            long from = 1;
            int pages = 0;
            while (true) {
                ApiResponse.LogView page = (ApiResponse.LogView) views.log(new ApiRequest.Log(me.id().toString(), from, 1000));
                pages++;
                read.addAll(page.log().entries());
                if (!page.log().more()) break;
                int used = page.log().entries().stream().mapToInt(String::length).sum();
                int next = all.get(read.size()).length();
                assertTrue(used <= budget && used + next > budget, "a page stops at the first entry that does not fit");
                from += page.log().entries().size();
            }
            assertEquals(all, read);
            assertTrue(pages >= 3, "40 entries in pages of at most 15: " + pages);

            ApiResponse.Entries feed = (ApiResponse.Entries) views.feed(new ApiRequest.Feed(10, false));
            assertFalse(feed.more(), "ten fit");
            assertEquals(all.get(39), feed.entries().get(0), "newest first");
        }
    }
}
