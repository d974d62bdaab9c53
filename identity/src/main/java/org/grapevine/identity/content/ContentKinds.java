package org.grapevine.identity.content;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.grapevine.identity.content.kinds.AboutKind;
import org.grapevine.identity.content.kinds.BlockKind;
import org.grapevine.identity.content.kinds.DeletionKind;
import org.grapevine.identity.content.kinds.FollowKind;
import org.grapevine.identity.content.kinds.PostKind;
import org.grapevine.identity.content.kinds.IntroductionKind;
import org.grapevine.identity.content.kinds.FreshKeyKind;
import org.grapevine.identity.content.kinds.HideKind;
import org.grapevine.identity.content.kinds.ReceivedKind;
import org.grapevine.identity.content.kinds.ReachableKind;
import org.grapevine.identity.content.kinds.RekeyKind;
import org.grapevine.identity.content.kinds.RoleKind;
import org.grapevine.identity.content.kinds.ReactionKind;
import org.grapevine.identity.content.kinds.SealedKind;

/** The content kinds this node knows, by type code and by content class: the one registration list. */
public final class ContentKinds {
    private static final List<ContentKind<?>> ALL = List.of(
            new PostKind(),
            new FollowKind(),
            new BlockKind(),
            new AboutKind(),
            new ReactionKind(),
            new DeletionKind(),
            new SealedKind(),
            new IntroductionKind(),
            new ReachableKind(),
            new RekeyKind(),
            new RoleKind(),
            new HideKind(),
            new ReceivedKind(),
            new FreshKeyKind());

    /** Codes set aside for kinds to come, with their names; carried as {@link Content.Opaque} meanwhile. */
    private static final Map<Integer, String> RESERVED = Map.of();

    private static final Map<Integer, ContentKind<?>> BY_CODE = new HashMap<>();
    private static final Map<Class<?>, ContentKind<?>> BY_CLASS = new HashMap<>();

    static {
        for (ContentKind<?> k : ALL) {
            if (BY_CODE.put(k.code(), k) != null || RESERVED.containsKey(k.code())) {
                throw new ExceptionInInitializerError("two content kinds on type " + k.code());
            }
            BY_CLASS.put(k.contentClass(), k);
        }
    }

    private ContentKinds() {}

    public static List<ContentKind<?>> all() {
        return ALL;
    }

    /** The kind of a type code, or null for one this node does not know. */
    public static ContentKind<?> forCode(int code) {
        return BY_CODE.get(code);
    }

    /** The kind of a content record, or null for {@link Content.Opaque} and {@link Content.Dropped}. */
    @SuppressWarnings("unchecked")
    public static <T extends Content> ContentKind<T> of(T content) {
        return (ContentKind<T>) BY_CLASS.get(content.getClass());
    }

    /** The name of a type code: the kind's, a reserved one's, or "type-N". */
    public static String name(int code) {
        ContentKind<?> k = BY_CODE.get(code);
        if (k != null) return k.name();
        return RESERVED.getOrDefault(code, "type-" + code);
    }

    /** Whether entries of this type may change which feeds a node wants. */
    public static boolean changesInterest(int code) {
        ContentKind<?> k = BY_CODE.get(code);
        return k != null && k.changesInterest();
    }

    /** The blobs a body of this type attaches (none for unknown types). */
    public static List<Content.Attachment> attachments(int code, byte[] body) {
        ContentKind<?> k = BY_CODE.get(code);
        return k == null || body == null ? List.of() : k.attachments(body);
    }

    /** {@link ContentKind#summary} of any content this node can decode. */
    public static <T extends Content> String summary(T content, ContentKind.Names names) {
        return of(content).summary(content, names);
    }

    public static <T extends Content> List<String> lines(T content, ContentKind.Names names) {
        return of(content).lines(content, names);
    }

    public static <T extends Content> void json(T content, ContentKind.Json out) {
        of(content).json(content, out);
    }
}
