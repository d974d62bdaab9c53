package org.grapevine.node.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.grapevine.identity.Malformed;

/**
 * The local API's messages as JSON: an envelope {@code {"v": 1, "request": {...}}} or
 * {@code {"v": 1, "response": {...}}}, the inner object named by {@code op} or {@code kind}.
 * Decoding is strict: an unknown version, operation or field is {@link Malformed}.
 */
public final class ApiCodec {
    /** The version of the local API this node speaks. */
    public static final int VERSION = 1;
    /** The largest request a node accepts. */
    public static final int MAX_REQUEST_BYTES = 1 << 20;
    /** The largest response a client accepts (a node keeps its answers within it: long lists come in pages). */
    public static final int MAX_RESPONSE_BYTES = 16 << 20;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ApiCodec() {}

    public static byte[] encode(ApiRequest request) {
        return envelope("request", request);
    }

    public static byte[] encode(ApiResponse response) {
        return envelope("response", response);
    }

    public static ApiRequest decodeRequest(byte[] bytes) throws Malformed {
        return decode(bytes, MAX_REQUEST_BYTES, "request", ApiRequest.class);
    }

    public static ApiResponse decodeResponse(byte[] bytes) throws Malformed {
        return decode(bytes, MAX_RESPONSE_BYTES, "response", ApiResponse.class);
    }

    private static byte[] envelope(String field, Object value) {
        ObjectNode o = JSON.createObjectNode().put("v", VERSION);
        o.set(field, JSON.valueToTree(value));
        try {
            return JSON.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value, e);
        }
    }

    private static <T> T decode(byte[] bytes, int max, String field, Class<T> type) throws Malformed {
        if (bytes.length > max) throw new Malformed("local API " + field + " of " + bytes.length + " bytes exceeds " + max);
        try {
            JsonNode root = JSON.readTree(bytes);
            if (root == null || !root.isObject()) throw new Malformed("a local API message is a JSON object");
            JsonNode v = root.get("v");
            if (v == null || !v.isInt() || v.intValue() != VERSION) {
                throw new Malformed("local API version " + v + " is not " + VERSION);
            }
            if (root.size() != 2 || !root.has(field)) throw new Malformed("a local API message has \"v\" and \"" + field + "\" only");
            return JSON.treeToValue(root.get(field), type);
        } catch (IOException e) {
            throw new Malformed("not a local API " + field + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
