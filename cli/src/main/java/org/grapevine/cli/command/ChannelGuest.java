package org.grapevine.cli.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.Render;
import org.grapevine.cli.Session;
import org.grapevine.cli.UserError;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.channel.ChannelInvite;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.Keystore;
import org.grapevine.identity.KeystoreException;
import org.grapevine.node.Home;
import org.grapevine.node.Node;
import org.grapevine.node.Publisher;
import org.grapevine.node.api.ApiRequest;
import org.grapevine.node.api.ApiResponse;
import org.grapevine.node.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What an invite folder's start script runs for someone who has no Grapevine: a node in the
 * given home (made if there is none, without a passphrase), which joins the channel, waits until
 * it holds what the members' nodes it reaches hold, saves every photo and the posts into a
 * folder, and stops. Run again, it fetches what is new.
 */
@Command(name = "guest", description = {"Join a channel and fetch everything into a folder, then stop: what an invite folder's",
        "start script runs. Makes a node in --home if there is none (no passphrase). Run it again for what is new."})
final class ChannelGuest implements Callable<Integer> {
    /** How often the node's progress is read while it fetches. */
    static final long POLL_MILLIS = 250;
    /** Caught up means: nothing new for this long, every member's introduction read, every feed as far as any peer has it. */
    static final long QUIET_MILLIS = 2_000;

    @Mixin HomeOption home;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "CODE_FILE", description = "The file holding the invite code (invite.txt in an invite folder).")
    Path codeFile;

    @Option(names = "--as", paramLabel = "NAME", defaultValue = "guest", description = "The name you go by in the channel (default ${DEFAULT-VALUE}).")
    String as;

    @Option(names = "--save", paramLabel = "DIR", required = true, description = "Where the photos and posts.txt go (made if missing).")
    Path save;

    @Option(names = "--no-mdns", description = "Do not look for the members' nodes on the LAN, only at the invite's addresses.")
    boolean noMdns;

    @Override
    public Integer call() throws Exception {
        GrapevineCommand root = GrapevineCommand.of(spec);
        PrintWriter out = spec.commandLine().getOut();
        ChannelInvite invite = read(root.resolve(codeFile));
        Path dir = root.resolve(save);
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new UserError(ExitCodes.USAGE, "--save: " + save + " is not a folder");
        Files.createDirectories(dir);
        if (!new Home(home.dir()).hasIdentity()) {
            create(new Home(home.dir()));
            out.println("made a new Grapevine node in " + home.dir() + " (as " + as + ")");
        }
        Node.Config config = Node.Config.defaults()
                .withListen(new java.net.InetSocketAddress("0.0.0.0", 0))
                .withNetwork(DaemonCommand.network(invite.network()))
                .withLan(noMdns ? Node.Lan.OFF : Node.Lan.ALL);
        try (Session s = home.open(); DaemonCommand.Running running = DaemonCommand.start(s, config, line -> {}, Node.Hooks.NONE)) {
            String handle = joined(s, invite);
            out.println("in \"" + invite.name() + "\": looking for the members' nodes and fetching what they hold ...");
            out.flush();
            waitUntilCaughtUp(s, handle, out);
            List<String> photos = ChannelCommand.Photos.save(s, handle, dir, root.terminal(), spec.commandLine().getErr());
            int posts = writePosts(s, handle, dir.resolve("posts.txt"));
            out.println("saved " + photos.size() + " photo" + (photos.size() == 1 ? "" : "s") + " and " + posts + " post"
                    + (posts == 1 ? "" : "s") + " (posts.txt) in " + dir);
            out.println("run this again to fetch what is new.");
        }
        return ExitCodes.OK;
    }

    private static ChannelInvite read(Path file) {
        try {
            return ChannelInvite.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UserError(ExitCodes.USAGE, "cannot read the invite " + file + ": " + e.getMessage());
        } catch (Malformed e) {
            throw new UserError(ExitCodes.USAGE, file + ": " + e.getMessage());
        }
    }

    /** A new identity without a passphrase, named {@code as}. */
    private void create(Home h) throws IOException {
        try {
            new Content.About(as, "", null);
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCodes.USAGE, "--as: " + e.getMessage());
        }
        Identity identity = Identity.generate(new SecureRandom());
        h.create();
        try {
            Keystore.create(h.keystore(), identity, null, Keystore.KdfParams.DEFAULT);
        } catch (KeystoreException e) {
            throw new UserError(ExitCodes.FAILURE, e.getMessage());
        }
        h.writePublicId(identity.id());
        try (Store store = Store.open(h.storeFile())) {
            new Publisher(identity, store, Clock.systemUTC()).publish(new Content.About(as, "", null));
        }
    }

    /** The local name of the invite's channel, joining it first when this node does not hold it. */
    private String joined(Session s, ChannelInvite invite) {
        String id = invite.channel().toString();
        for (ApiResponse.Channel c : s.ask(new ApiRequest.ChannelList(), ApiResponse.ChannelList.class).channels()) {
            if (c.id().equals(id)) return c.handle();
        }
        return s.ask(new ApiRequest.ChannelJoin(invite.encode(), null, false, as), ApiResponse.ChannelMade.class).channel().handle();
    }

    /**
     * Waits until another member is known, every member's introduction is read, this node holds
     * every feed as far as any peer has it, and nothing changed for {@link #QUIET_MILLIS}: then it
     * holds what the members' nodes it reaches hold. Says how far it got every few seconds.
     */
    private static void waitUntilCaughtUp(Session s, String handle, PrintWriter out) throws InterruptedException {
        String last = "";
        long since = System.currentTimeMillis();
        long told = since;
        while (true) {
            ApiResponse.ChannelMembers members = s.ask(new ApiRequest.ChannelMembers(handle), ApiResponse.ChannelMembers.class);
            ApiResponse.SyncList sync = s.ask(new ApiRequest.Sync(), ApiResponse.SyncList.class);
            long held = 0;
            boolean behind = false;
            for (ApiResponse.Feed f : sync.feeds()) {
                held += f.local();
                behind |= f.local() < f.bestSeen();
            }
            int known = members.members().size();
            boolean ready = known > 1 && known == members.channel().personas() && !behind;
            String now = known + "/" + held + "/" + behind;
            long t = System.currentTimeMillis();
            if (!now.equals(last)) {
                last = now;
                since = t;
            } else if (ready && t - since >= QUIET_MILLIS) {
                return;
            }
            if (t - told >= 5_000) {
                told = t;
                out.println(known > 1 ? "  " + known + " members, " + held + " entries so far ..." : "  no member's node reached yet: still looking ...");
                out.flush();
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** The channel's posts and comments, oldest first, as text; how many. */
    private static int writePosts(Session s, String handle, Path file) throws IOException {
        List<ApiResponse.ChannelItem> items = new ArrayList<>(s.ask(new ApiRequest.ChannelFeed(handle, 10_000), ApiResponse.ChannelFeed.class).items());
        Collections.reverse(items);
        StringBuilder b = new StringBuilder();
        int posts = 0;
        for (ApiResponse.ChannelItem i : items) {
            if (!i.type().equals("post")) continue;
            posts++;
            String indent = i.reply() != null ? "    " : "";
            b.append(indent).append(i.name().isEmpty() ? Render.shortId(i.persona()) : i.name()).append("  ").append(Render.time(i.timestamp())).append('\n');
            for (String l : i.text().split("\n", -1)) b.append(indent).append("  ").append(l).append('\n');
            for (ApiResponse.ChannelAttachment a : i.attachments()) b.append(indent).append("  [").append(a.name()).append("]\n");
            b.append('\n');
        }
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(temp, b.toString(), StandardCharsets.UTF_8);
        Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return posts;
    }
}
