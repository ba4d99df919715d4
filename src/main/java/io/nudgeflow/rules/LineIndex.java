package io.nudgeflow.rules;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The source line of every value in a YAML/JSON document, by JSON pointer ({@code /rules/2/after}), so
 * validation of the parsed tree can still say which line is wrong.
 */
final class LineIndex {
    private final Map<String, Integer> lines = new HashMap<>();

    static LineIndex of(ObjectMapper mapper, String text) throws IOException {
        LineIndex index = new LineIndex();
        try (JsonParser parser = mapper.getFactory().createParser(text)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.FIELD_NAME) {
                    continue;
                }
                JsonPointer pointer = parser.getParsingContext().pathAsPointer();
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    // the container itself is named by its parent's context
                    pointer = parser.getParsingContext().getParent() == null
                            ? JsonPointer.empty()
                            : parser.getParsingContext().getParent().pathAsPointer();
                }
                index.lines.putIfAbsent(pointer.toString(), parser.currentTokenLocation().getLineNr());
            }
        }
        return index;
    }

    /** The line of the value at {@code pointer}, or of its nearest ancestor that has one. */
    int lineOf(String pointer) {
        String p = pointer;
        while (true) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            int slash = p.lastIndexOf('/');
            if (slash < 0) {
                return 1;
            }
            p = p.substring(0, slash);
        }
    }
}
