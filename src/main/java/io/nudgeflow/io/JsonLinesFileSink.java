package io.nudgeflow.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Replay's sink: each subtask writes its records as JSON lines to {@code DIR/NAME-SUBTASK.jsonl}. The
 * replay command merges and sorts the parts afterwards, which is what makes the output independent of
 * the parallelism. Local files only: replay runs on a local mini cluster.
 */
public final class JsonLinesFileSink<T> implements Sink<T> {
    private final String directory;
    private final String name;
    private final SerializableFunction<T, String> toJson;

    public JsonLinesFileSink(Path directory, String name, SerializableFunction<T, String> toJson) {
        this.directory = directory.toString();
        this.name = name;
        this.toJson = toJson;
    }

    public static String partPrefix(String name) {
        return name + "-";
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        int subtask = context.getTaskInfo().getIndexOfThisSubtask();
        Path file = Paths.get(directory, partPrefix(name) + subtask + ".jsonl");
        BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) throws IOException {
                writer.write(toJson.apply(element));
                writer.newLine();
            }

            @Override
            public void flush(boolean endOfInput) throws IOException {
                writer.flush();
            }

            @Override
            public void close() throws IOException {
                writer.close();
            }
        };
    }
}
