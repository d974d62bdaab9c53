package org.grapevine.cli.command;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.QrText;
import org.grapevine.cli.Render;
import org.grapevine.cli.Session;
import org.grapevine.cli.TransferProgress;
import org.grapevine.cli.UserError;
import org.grapevine.gossip.discovery.PeerAddress;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.blob.BlobHasher;
import org.grapevine.identity.channel.ChannelBlobs;
import org.grapevine.node.LanAddress;
import org.grapevine.node.Sizes;
import org.grapevine.node.api.ApiRequest;
import org.grapevine.node.api.ApiResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "channel", description = {
        "Private channels: posts, comments and full-quality photos among members only.",
        "Nobody else can read them or tell that the channel exists. Needs the running daemon."},
        subcommands = {ChannelCommand.Create.class, ChannelCommand.Invite.class, ChannelCommand.Join.class, ChannelCommand.Ls.class,
            ChannelCommand.Feed.class, ChannelCommand.Post.class, ChannelCommand.Members.class, ChannelCommand.Photos.class,
            ChannelCommand.Admin.class, ChannelCommand.Remove.class, ChannelCommand.Hide.class, ChannelCommand.Leave.class, ChannelGuest.class})
public final class ChannelCommand implements Runnable {
    @Override
    public void run() {
        throw new UserError(ExitCodes.USAGE, "say what to do: channel create NAME, channel invite NAME, channel join CODE, channel ls, "
                + "channel feed NAME, channel post NAME TEXT, channel members NAME, channel photos NAME --save DIR, channel admin NAME MEMBER, "
                + "channel remove NAME MEMBER, channel hide NAME ENTRY_ID, channel leave NAME");
    }

    private static String line(ApiResponse.Channel c) {
        return c.handle() + "  " + (c.name().equals(c.handle()) ? "" : "\"" + c.name() + "\"  ") + c.personas() + " member"
                + (c.personas() == 1 ? "" : "s") + " known" + (c.owner() ? "  (yours)" : c.admin() ? "  (admin)" : "")
                + (c.removed() ? "  removed: you keep what you had, nothing new comes" : "") + "  " + c.id();
    }

    private static String role(ApiResponse.ChannelMember m) {
        return m.owner() ? "owner" : m.admin() ? "admin" : "member";
    }

    private static String who(ApiResponse.ChannelMember m) {
        return m.name().isEmpty() ? (m.member() == null ? Render.shortId(m.persona()) : m.member()) : m.name();
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode json(ApiResponse.Channel c) {
        return Render.JSON.createObjectNode().put("name", c.handle()).put("display_name", c.name()).put("id", c.id())
                .put("network", c.network()).put("members_known", c.personas()).put("owner", c.owner()).put("admin", c.admin())
                .put("removed", c.removed());
    }

    @Command(name = "create", description = "Create a channel; NAME is how you call it here.")
    static final class Create implements Callable<Integer> {
        @Mixin HomeOption home;
        @Mixin JsonOption json;
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "Your name for the channel: 1 to 32 of a-z, 0-9, '.', '_', '-'.")
        String handle;

        @Option(names = "--about", paramLabel = "TEXT", description = "The name members see (default: NAME).")
        String about;

        @Override
        public Integer call() {
            try (Session s = home.open()) {
                ApiResponse.Channel c = s.ask(new ApiRequest.ChannelCreate(handle, about), ApiResponse.ChannelMade.class).channel();
                var out = spec.commandLine().getOut();
                out.println(json.on() ? Render.print(json(c)) : c.handle() + "  " + c.id());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "invite", description = {"Print a one-line code with which someone joins the channel.",
            "The code holds the channel's secret: whoever has it can join."})
    static final class Invite implements Callable<Integer> {
        @Mixin HomeOption home;
        @Mixin JsonOption json;
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "The channel.")
        String handle;

        @Option(names = "--address", paramLabel = "HOST", description = "The address others reach you at (default: this machine's first LAN address).")
        String address;

        @Option(names = "--qr", description = "Also draw the code as a QR code, for a phone or a laptop's camera.")
        boolean qr;

        @Option(names = "--bundle", paramLabel = "DIR", description = {"Also write a folder for someone who has no Grapevine: the program, a start",
                "script and the code. With Java 17 or later installed, running its start script joins and fetches everything."})
        Path bundle;

        @Option(names = "--for", paramLabel = "NAME", defaultValue = "guest", description = "With --bundle: the name the guest goes by in the channel (default ${DEFAULT-VALUE}).")
        String guest;

        @Override
        public Integer call() {
            GrapevineCommand root = GrapevineCommand.of(spec);
            try (Session s = home.open()) {
                ApiResponse.Reachable at = s.ask(new ApiRequest.Invite(), ApiResponse.Reachable.class);
                String host = address != null ? address : at.anyInterface() ? LanAddress.first() : at.host();
                try {
                    PeerAddress.checkHost(host);
                } catch (IllegalArgumentException e) {
                    throw new UserError(ExitCodes.USAGE, "--address: " + e.getMessage());
                }
                String where = new PeerAddress(host, at.port(), s.self()).toString();
                ApiResponse.ChannelCode code = s.ask(new ApiRequest.ChannelInvite(handle, where), ApiResponse.ChannelCode.class);
                var out = spec.commandLine().getOut();
                Path folder = null;
                if (bundle != null) folder = InviteFolder.write(root.resolve(bundle), code.code(), guest);
                if (json.on()) {
                    var o = Render.JSON.createObjectNode().put("code", code.code()).put("channel", code.channel());
                    if (folder != null) o.put("bundle", folder.toString());
                    if (qr) {
                        var drawn = o.putArray("qr");
                        QrText.lines(QrText.encode(code.code()), false).forEach(drawn::add);
                    }
                    out.println(Render.print(o));
                } else {
                    out.println(code.code());
                    if (qr) QrText.lines(QrText.encode(code.code()), root.terminal()).forEach(out::println);
                    if (folder != null) {
                        out.println("wrote " + folder + ": give the whole folder (USB stick, shared drive); there, with Java 17 or later,");
                        out.println("'./start' (Windows: start.cmd) joins and saves every photo and post into its photos folder.");
                        out.println("The folder holds the channel's secret, as the code does.");
                    }
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "join", description = "Join a channel with the code a member gave you.")
    static final class Join implements Callable<Integer> {
        @Mixin HomeOption home;
        @Mixin JsonOption json;
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "CODE", description = "The code printed by 'grapevine channel invite'.")
        String code;

        @Option(names = "--anonymous", description = {"Do not tell members your public id (members your node connects to",
                "still learn which node you are)."})
        boolean anonymous;

        @Option(names = "--as", paramLabel = "NAME", description = "The name you go by in the channel.")
        String as;

        @Option(names = "--name", paramLabel = "NAME", description = "Your name for the channel here (default: from the channel's own).")
        String handle;

        @Override
        public Integer call() {
            try (Session s = home.open()) {
                ApiResponse.Channel c = s.ask(new ApiRequest.ChannelJoin(code, handle, anonymous, as), ApiResponse.ChannelMade.class).channel();
                var out = spec.commandLine().getOut();
                out.println(json.on() ? Render.print(json(c)) : "joined " + c.handle() + (c.name().equals(c.handle()) ? "" : " (\"" + c.name() + "\")")
                        + (anonymous ? " anonymously" : ""));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "ls", description = "List the channels you hold.")
    static final class Ls implements Callable<Integer> {
        @Mixin HomeOption home;
        @Mixin JsonOption json;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            try (Session s = home.open()) {
                List<ApiResponse.Channel> all = s.ask(new ApiRequest.ChannelList(), ApiResponse.ChannelList.class).channels();
                var out = spec.commandLine().getOut();
                if (json.on()) {
                    var array = Render.JSON.createArrayNode();
                    all.forEach(c -> array.add(json(c)));
                    out.println(Render.print(array));
                } else if (all.isEmpty()) {
                    out.println("No channels yet: 'grapevine channel create NAME' makes one, 'grapevine channel join CODE' joins one.");
                } else {
                    all.forEach(c -> out.println(line(c)));
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "feed", description = "Show a channel's newest posts and comments.")
    static final class Feed implements Callable<Integer> {
        @Mixin HomeOption home;
        @Mixin JsonOption json;
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "The channel.")
        String handle;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "How many entries (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            if (limit < 1 || limit > 10_000) throw new UserError(ExitCodes.USAGE, "--limit must be between 1 and 10000, not " + limit);
            try (Session s = home.open()) {
                ApiResponse.ChannelFeed feed = s.ask(new ApiRequest.ChannelFeed(handle, limit), ApiResponse.ChannelFeed.class);
                var out = spec.commandLine().getOut();
                if (json.on()) {
                    var array = Render.JSON.createArrayNode();
                    for (ApiResponse.ChannelItem i : feed.items()) {
                        var o = array.addObject().put("id", i.id()).put("persona", i.persona()).put("member", i.member()).put("name", i.name())
                                .put("seq", i.seq()).put("timestamp", i.timestamp()).put("type", i.type()).put("text", i.text()).put("reply", i.reply());
                        var attached = o.putArray("attachments");
                        for (ApiResponse.ChannelAttachment a : i.attachments()) {
                            attached.addObject().put("id", a.id()).put("name", a.name()).put("size", a.size()).put("media_type", a.mediaType()).put("here", a.here());
                        }
                    }
                    out.println(Render.print(array));
                } else if (feed.items().isEmpty()) {
                    out.println("Nothing in " + handle + " yet: 'grapevine channel post " + handle + " TEXT' says something.");
                } else {
                    for (ApiResponse.ChannelItem i : feed.items()) {
                        String who = i.name().isEmpty() ? Render.shortId(i.persona()) : i.name();
                        out.println((i.reply() != null ? "    " : "") + who + "  " + Render.time(i.timestamp()) + "  " + Render.shortId(i.id()));
                        for (String l : i.text().split("\n", -1)) out.println((i.reply() != null ? "    " : "") + "  " + l);
                        for (ApiResponse.ChannelAttachment a : i.attachments()) {
                            out.println((i.reply() != null ? "    " : "") + "  attached: " + a.name() + "  " + Sizes.human(a.size()) + "  "
                                    + (a.here() ? "here" : "not here yet") + "  " + Render.shortId(a.id()));
                        }
                        out.println();
                    }
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "post", description = "Post into a channel (a comment when it replies), with photos or videos at full quality.")
    static final class Post implements Callable<Integer> {
        @Mixin HomeOption home;
        @Mixin JsonOption json;
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "The channel.")
        String handle;

        @Parameters(index = "1", paramLabel = "TEXT", arity = "0..1", defaultValue = "", description = "What to say (may be empty with --attach).")
        String text;

        @Option(names = "--attach", paramLabel = "FILE", arity = "1..*", description = "Attach these files (repeatable); members get them bit for bit.")
        List<Path> attach = new ArrayList<>();

        @Option(names = "--reply", paramLabel = "ENTRY_ID", description = "Comment on this entry of the channel (its id or a unique prefix).")
        String reply;

        @Override
        public Integer call() {
            GrapevineCommand root = GrapevineCommand.of(spec);
            try (Session s = home.open()) {
                List<String> files = attach.stream().map(root::resolve).map(Path::toString).toList();
                ApiResponse.Published p = s.ask(new ApiRequest.ChannelPost(handle, text, reply, files), ApiResponse.Published.class);
                var out = spec.commandLine().getOut();
                out.println(json.on() ? Render.print(Render.JSON.createObjectNode().put("id", p.id()).put("seq", p.seq())) : p.id());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "members", description = "List the channel's members as your node knows them.")
    static final class Members implements Callable<Integer> {
        @Mixin HomeOption home;
        @Mixin JsonOption json;
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "The channel.")
        String handle;

        @Override
        public Integer call() {
            try (Session s = home.open()) {
                ApiResponse.ChannelMembers m = s.ask(new ApiRequest.ChannelMembers(handle), ApiResponse.ChannelMembers.class);
                var out = spec.commandLine().getOut();
                if (json.on()) {
                    var array = Render.JSON.createArrayNode();
                    for (ApiResponse.ChannelMember x : m.members()) {
                        array.addObject().put("persona", x.persona()).put("name", x.name()).put("member", x.member()).put("role", role(x));
                    }
                    out.println(Render.print(array));
                } else {
                    for (ApiResponse.ChannelMember x : m.members()) {
                        out.println((x.name().isEmpty() ? "(no name)" : x.name()) + "  " + (x.member() == null ? "anonymous" : x.member())
                                + (x.owner() || x.admin() ? "  " + role(x) : ""));
                    }
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "photos", description = "Save every attachment of the channel at full quality into a folder, fetching what is not here yet.")
    static final class Photos implements Callable<Integer> {
        static final long POLL_MILLIS = 200;

        @Mixin HomeOption home;
        @Mixin JsonOption json;
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "The channel.")
        String handle;

        @Option(names = "--save", paramLabel = "DIR", required = true, description = "The folder to save them in (made if missing).")
        Path save;

        @Override
        public Integer call() throws IOException {
            GrapevineCommand root = GrapevineCommand.of(spec);
            Path dir = root.resolve(save);
            if (Files.exists(dir) && !Files.isDirectory(dir)) throw new UserError(ExitCodes.USAGE, "--save: " + save + " is not a folder");
            Files.createDirectories(dir);
            try (Session s = home.open()) {
                List<String> saved = save(s, handle, dir, root.terminal(), spec.commandLine().getErr());
                var out = spec.commandLine().getOut();
                if (json.on()) {
                    var array = Render.JSON.createArrayNode();
                    saved.forEach(array::add);
                    out.println(Render.print(array));
                } else {
                    saved.forEach(out::println);
                    if (saved.isEmpty()) out.println("No attachments in " + handle + " yet.");
                }
            }
            return ExitCodes.OK;
        }

        /**
         * Saves every attachment of the channel {@code handle} into {@code dir}, fetching those
         * not here yet with progress on {@code err}; the files written. A file saved already
         * (same name and bytes) is not written twice.
         */
        static List<String> save(Session s, String handle, Path dir, boolean terminal, PrintWriter err) throws IOException {
            List<String> saved = new ArrayList<>();
            for (ApiResponse.ChannelAttachment a : attachments(s, handle).values()) {
                if (a.key() == null) continue; // a key this node was not given: nothing to open it with
                String path = a.here() ? a.path() : fetch(s, a, terminal, err);
                String name = safeName(a.name(), a.id());
                Path target = unique(dir, name);
                decrypt(Path.of(path), HexFormat.of().parseHex(a.key()), a.size(), target);
                Path same = sameAs(dir, name, target);
                if (same != null) Files.delete(target);
                saved.add((same != null ? same : target).toString());
            }
            return saved;
        }

        /** A file saved before under {@code name} (or {@code name (2)}, ...) with the bytes of {@code file}; null when none. */
        private static Path sameAs(Path dir, String name, Path file) throws IOException {
            int dot = name.lastIndexOf('.');
            for (int i = 1; ; i++) {
                Path p = dir.resolve(i == 1 ? name : dot > 0 ? name.substring(0, dot) + " (" + i + ")" + name.substring(dot) : name + " (" + i + ")");
                if (p.equals(file) || !Files.exists(p)) return null;
                if (Files.size(p) == Files.size(file) && Files.mismatch(p, file) == -1) return p;
            }
        }

        private static Map<String, ApiResponse.ChannelAttachment> attachments(Session s, String handle) {
            Map<String, ApiResponse.ChannelAttachment> all = new LinkedHashMap<>();
            List<ApiResponse.ChannelItem> items = new ArrayList<>(s.ask(new ApiRequest.ChannelFeed(handle, 10_000), ApiResponse.ChannelFeed.class).items());
            java.util.Collections.reverse(items); // oldest first
            for (ApiResponse.ChannelItem i : items) for (ApiResponse.ChannelAttachment a : i.attachments()) all.putIfAbsent(a.id(), a);
            return all;
        }

        /** Asks the daemon for the blob and waits until it is here, with progress; its file. */
        private static String fetch(Session s, ApiResponse.ChannelAttachment a, boolean terminal, PrintWriter err) {
            long size = ChannelBlobs.encryptedSize(a.size());
            s.ask(new ApiRequest.FetchBlob(a.id(), size), ApiResponse.Done.class);
            TransferProgress progress = new TransferProgress(terminal, a.name().isEmpty() ? Render.shortId(a.id()) : a.name());
            while (true) {
                ApiResponse.BlobView view = s.ask(new ApiRequest.BlobStatus(a.id()), ApiResponse.BlobView.class);
                long now = System.currentTimeMillis();
                if (view.path() != null) {
                    err.print(progress.done(now, size));
                    err.flush();
                    return view.path();
                }
                ApiResponse.Fetch f = view.fetch();
                TransferProgress.Sample sample = f == null ? new TransferProgress.Sample(size, 0, 0, 0)
                        : new TransferProgress.Sample(size, TransferProgress.Sample.heldBytes(size, f.chunks(), f.held()), f.bytesReceived(), f.sources());
                String line = progress.update(now, sample);
                if (line != null) {
                    err.print(line);
                    err.flush();
                }
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new UserError(ExitCodes.FAILURE, "interrupted", e);
                }
            }
        }

        /** Opens the encrypted blob chunk by chunk into {@code target}, exactly the file that was posted. */
        static void decrypt(Path blob, byte[] key, long size, Path target) throws IOException {
            Path temp = target.resolveSibling("." + target.getFileName() + ".part");
            try (InputStream in = Files.newInputStream(blob); OutputStream out = Files.newOutputStream(temp)) {
                byte[] chunk = new byte[BlobHasher.CHUNK_SIZE];
                for (long index = 0; ; index++) {
                    int n = in.readNBytes(chunk, 0, chunk.length);
                    if (n == 0) break;
                    out.write(ChannelBlobs.decryptChunk(chunk, n, index, key, size));
                    if (n < chunk.length) break;
                }
            } catch (Malformed e) {
                Files.deleteIfExists(temp);
                throw new UserError(ExitCodes.FAILURE, "the blob for " + target.getFileName() + " does not open with its key: " + e.getMessage());
            }
            Files.move(temp, target);
        }

        private static String safeName(String name, String id) {
            String last = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
            return last.isEmpty() || last.equals(".") || last.equals("..") || last.startsWith(".") ? id.substring(1, 12) : last;
        }

        /** {@code dir/name}, or {@code name (2)} and so on when that is taken. */
        private static Path unique(Path dir, String name) {
            Path p = dir.resolve(name);
            int dot = name.lastIndexOf('.');
            for (int i = 2; Files.exists(p); i++) {
                p = dir.resolve(dot > 0 ? name.substring(0, dot) + " (" + i + ")" + name.substring(dot) : name + " (" + i + ")");
            }
            return p;
        }
    }

    @Command(name = "admin", description = {"Make a member an admin (or, with --revoke, a plain member again).",
            "Admins may remove members, name admins and hide entries. Only the owner or an admin may do this."})
    static final class Admin implements Callable<Integer> {
        @Mixin HomeOption home;
        @Mixin JsonOption json;
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "The channel.")
        String handle;

        @Parameters(index = "1", paramLabel = "MEMBER", description = "The name they go by in the channel, or their id (or a unique prefix).")
        String member;

        @Option(names = "--revoke", description = "Make them a plain member again.")
        boolean revoke;

        @Override
        public Integer call() {
            try (Session s = home.open()) {
                ApiResponse.ChannelMemberChanged c = s.ask(new ApiRequest.ChannelRole(handle, member, !revoke), ApiResponse.ChannelMemberChanged.class);
                var out = spec.commandLine().getOut();
                out.println(json.on() ? Render.print(Render.JSON.createObjectNode().put("channel", c.channel().handle()).put("persona", c.member().persona())
                        .put("name", c.member().name()).put("role", revoke ? "member" : "admin"))
                        : who(c.member()) + " is " + (revoke ? "no longer an admin" : "an admin") + " of " + c.channel().handle());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", description = {"Remove a member: the channel moves to a new secret that every other member gets.",
            "What they already hold stays with them (nobody can take it back); they get nothing newer.",
            "Only the owner or an admin may do this."})
    static final class Remove implements Callable<Integer> {
        @Mixin HomeOption home;
        @Mixin JsonOption json;
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "The channel.")
        String handle;

        @Parameters(index = "1", paramLabel = "MEMBER", description = "The name they go by in the channel, or their id (or a unique prefix).")
        String member;

        @Override
        public Integer call() {
            try (Session s = home.open()) {
                ApiResponse.ChannelMemberChanged c = s.ask(new ApiRequest.ChannelRemove(handle, member), ApiResponse.ChannelMemberChanged.class);
                var out = spec.commandLine().getOut();
                if (json.on()) {
                    out.println(Render.print(Render.JSON.createObjectNode().put("channel", c.channel().handle()).put("persona", c.member().persona())
                            .put("name", c.member().name()).put("removed", true)));
                } else {
                    out.println("removed " + who(c.member()) + " from " + c.channel().handle() + ": members move to a new secret as their nodes meet yours.");
                    out.println("What " + who(c.member()) + " already held stays with them; nothing posted from now on reaches them.");
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "hide", description = {"Hide an entry of the channel: members' nodes drop its body (the signed header stays, so",
            "logs still check). Only the owner or an admin may do this."})
    static final class Hide implements Callable<Integer> {
        @Mixin HomeOption home;
        @Mixin JsonOption json;
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "The channel.")
        String handle;

        @Parameters(index = "1", paramLabel = "ENTRY_ID", description = "The entry (its id or a unique prefix, as 'channel feed' shows).")
        String entry;

        @Override
        public Integer call() {
            try (Session s = home.open()) {
                s.ask(new ApiRequest.ChannelHide(handle, entry), ApiResponse.Done.class);
                var out = spec.commandLine().getOut();
                out.println(json.on() ? Render.print(Render.JSON.createObjectNode().put("channel", handle).put("hidden", entry)) : "hidden " + entry + " in " + handle);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "leave", description = {"Stop holding a channel: its secret leaves this node and its posts are no longer",
            "replicated here. Members keep what they have; you keep what you saved."})
    static final class Leave implements Callable<Integer> {
        @Mixin HomeOption home;
        @Mixin JsonOption json;
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "The channel.")
        String handle;

        @Override
        public Integer call() {
            try (Session s = home.open()) {
                ApiResponse.Channel c = s.ask(new ApiRequest.ChannelLeave(handle), ApiResponse.ChannelMade.class).channel();
                var out = spec.commandLine().getOut();
                out.println(json.on() ? Render.print(json(c)) : "left " + c.handle());
            }
            return ExitCodes.OK;
        }
    }
}
