package io.nudgeflow.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/** Reads a JSON-lines file as raw records numbered by line, so a bad line can be reported as "line N". */
public final class NumberedLineFormat extends SimpleStreamFormat<RawEvent> {
    private final String sourceName;

    public NumberedLineFormat(String sourceName) {
        this.sourceName = sourceName;
    }

    @Override
    public StreamFormat.Reader<RawEvent> createReader(Configuration config, FSDataInputStream stream) {
        BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
        return new StreamFormat.Reader<>() {
            private long lineNumber;

            @Override
            public RawEvent read() throws IOException {
                String line;
                while ((line = reader.readLine()) != null) {
                    lineNumber++;
                    if (!line.isBlank()) {
                        return new RawEvent(null, line.getBytes(StandardCharsets.UTF_8), sourceName, 0, lineNumber);
                    }
                }
                return null;
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }

    @Override
    public TypeInformation<RawEvent> getProducedType() {
        return TypeInformation.of(RawEvent.class);
    }
}
