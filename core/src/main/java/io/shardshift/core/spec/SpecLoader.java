package io.shardshift.core.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a migration spec from YAML, replaces {@code ${env:NAME}} with the environment's value, rejects
 * unknown fields, and validates it with {@link SpecValidator}. Every error is a {@link SpecException}
 * naming the field.
 */
public final class SpecLoader {
    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private SpecLoader() {
    }

    /** Loads a spec file with the process environment. */
    public static MigrationSpec load(Path file) {
        return load(file, System.getenv());
    }

    /** Loads a spec file with the given environment. */
    public static MigrationSpec load(Path file, Map<String, String> env) {
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new SpecException("spec", "file not found: " + file);
        } catch (IOException e) {
            throw new SpecException("spec", "cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(yaml, env);
    }

    /** Parses and validates spec YAML with the given environment. */
    public static MigrationSpec parse(String yaml, Map<String, String> env) {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr();
            throw new SpecException("spec", "malformed YAML" + where + ": " + e.getOriginalMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new SpecException("spec", "must be a YAML mapping with name, source, tables, kafka, targets, layout");
        }
        substituteEnv(tree, "", env);
        MigrationSpec spec;
        try {
            spec = YAML.treeToValue(tree, MigrationSpec.class);
        } catch (UnrecognizedPropertyException e) {
            throw new SpecException(path(e), "unknown field '" + e.getPropertyName() + "' (known: "
                    + e.getKnownPropertyIds() + ")");
        } catch (JsonMappingException e) {
            throw new SpecException(path(e), e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new SpecException("spec", e.getOriginalMessage());
        }
        SpecValidator.validate(spec);
        return spec;
    }

    private static void substituteEnv(JsonNode node, String path, Map<String, String> env) {
        if (node instanceof ObjectNode obj) {
            for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String childPath = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if (e.getValue().isTextual()) {
                    e.setValue(new TextNode(expand(e.getValue().asText(), childPath, env)));
                } else {
                    substituteEnv(e.getValue(), childPath, env);
                }
            }
        } else if (node instanceof ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) {
                String childPath = path + "[" + i + "]";
                if (arr.get(i).isTextual()) {
                    arr.set(i, new TextNode(expand(arr.get(i).asText(), childPath, env)));
                } else {
                    substituteEnv(arr.get(i), childPath, env);
                }
            }
        }
    }

    private static String expand(String text, String path, Map<String, String> env) {
        Matcher m = ENV.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.get(m.group(1));
            if (value == null) {
                throw new SpecException(path, "environment variable " + m.group(1) + " is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "spec" : sb.toString();
    }
}
