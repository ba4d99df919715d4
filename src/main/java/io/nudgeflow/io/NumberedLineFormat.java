package io.nudgeflow.io;

import java.io.BufferedInputStream;
import java.io.IOException;
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
        BufferedInputStream in = new BufferedInputStream(stream);
        ByteLines lines = new ByteLines(in);
        return new StreamFormat.Reader<>() {
            @Override
            public RawEvent read() throws IOException {
                byte[] line = lines.next();
                return line == null ? null : new RawEvent(null, line, sourceName, 0, lines.number());
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    @Override
    public TypeInformation<RawEvent> getProducedType() {
        return TypeInformation.of(RawEvent.class);
    }
}
