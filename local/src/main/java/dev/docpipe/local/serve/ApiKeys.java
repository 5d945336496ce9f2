package dev.docpipe.local.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * The API keys local mode accepts, kept in {@code <data>/api-keys.json} so that a key, and with it
 * the owner of every job (the key's id), stays the same across restarts. The first start creates
 * one development key with a random value.
 */
public final class ApiKeys {
    /** A key: {@code id} is what API Gateway puts in {@code requestContext.identity.apiKeyId} (the owner). */
    public record Key(String id, String value) {
        @Override
        public String toString() {
            return "Key[" + id + "]"; // never the value
        }
    }

    public static final String FILE = "api-keys.json";
    public static final String DEV_KEY_ID = "dev";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Key> keys;

    ApiKeys(List<Key> keys) {
        this.keys = List.copyOf(keys);
    }

    /** Loads the keys of a data directory, creating the development key on first use. */
    public static ApiKeys loadOrCreate(Path dataDirectory) throws IOException {
        Path file = dataDirectory.resolve(FILE);
        if (Files.exists(file)) {
            JsonNode root = JSON.readTree(file.toFile());
            List<Key> keys = new java.util.ArrayList<>();
            for (JsonNode k : root.path("keys")) {
                String id = k.path("id").asText("");
                String value = k.path("value").asText("");
                if (id.isEmpty() || value.length() < 20) {
                    throw new IOException(file + " has a key without an id or with a value under 20 characters");
                }
                keys.add(new Key(id, value));
            }
            if (keys.isEmpty()) {
                throw new IOException(file + " lists no keys");
            }
            return new ApiKeys(keys);
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        Key dev = new Key(DEV_KEY_ID, "dp_" + HexFormat.of().formatHex(random));
        ObjectNode root = JSON.createObjectNode();
        ArrayNode array = root.putArray("keys");
        array.addObject().put("id", dev.id()).put("value", dev.value());
        Path tmp = dataDirectory.resolve(FILE + ".tmp");
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the directory's own permissions apply
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return new ApiKeys(List.of(dev));
    }

    /** The key with this value, or null (compared in constant time). */
    public Key find(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        byte[] given = value.getBytes(StandardCharsets.UTF_8);
        Key found = null;
        for (Key k : keys) {
            if (MessageDigest.isEqual(given, k.value().getBytes(StandardCharsets.UTF_8))) {
                found = k;
            }
        }
        return found;
    }

    public Key first() {
        return keys.get(0);
    }
}
