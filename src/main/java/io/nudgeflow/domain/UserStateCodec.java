package io.nudgeflow.domain;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Compact binary form of {@link UserState}: the one value stored per user in RocksDB.
 *
 * <p>Layout (version 6; version 5 lacked the open outcome windows, read as none; version 4 lacked the rule set's seq, read as 0 — the rule set the job started with;
 * versions 2 and 3 also lacked the consent and zone instants): version byte, presence bits,
 * the user's clock as an absolute varlong, every other instant as a zig-zag varlong delta to the clock (small
 * numbers, one to four bytes), then stage, zone, active-day bits (and the run before them), checklist, flags, the recent event ids and —
 * only when present — the frequency-cap counter, the rules' memory slots and triggers deferred by quiet hours.
 * A hand-written codec rather than a reflective serializer keeps a typical user near 30 bytes and makes the
 * format explicit; the version byte lets a later release read older state after a restore from a savepoint.
 *
 * <p>The recent event ids are the bulk of an active user's record (every id of the dedup window, up to
 * {@link RecentIds#MAX}), so they are fixed width — an 8-byte hash and a 4-byte millisecond offset from the
 * clock each — and copied with word-sized loads and stores: decoding and encoding them was the largest cost
 * per event in the job.
 */
public final class UserStateCodec {
    static final byte VERSION = 6;
    /**
     * Before consent and zones followed event time: no consent or zone instants; recent ids kept with their
     * event times. Read with the zone's instant taken as the newest event's and the ids' times as when seen.
     */
    static final byte VERSION_ARRIVAL_ORDER = 3;
    /**
     * Written before deadlines followed the input's progress: then a wake-up at or before the clock had
     * already fired (processing-time timers moved the clock to the wall clock), now only a pending timer is
     * recorded. Such records are read with that wake-up cleared.
     */
    static final byte VERSION_PROCESSING_TIME_TIMERS = 2;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private static final int HAS_LAST_ACTIVE = 1;
    private static final int HAS_STAGE = 2;
    private static final int HAS_ZONE = 4;
    private static final int HAS_ACTIVE_DAYS = 8;
    private static final int HAS_CAP = 16;
    private static final int HAS_MEMORY = 32;
    private static final int HAS_DEFERRED = 64;
    private static final int HAS_WAKE = 128;
    private static final int HAS_CONSENT_TIME = 256;
    private static final int HAS_ZONE_TIME = 512;
    private static final int HAS_RUN_BEFORE_WINDOW = 1024;
    private static final int HAS_RULE_SET = 2048;
    private static final int HAS_OUTCOMES = 4096;

    private UserStateCodec() {}

    public static byte[] encode(UserState s) {
        // sized for the whole record (a varint write reserves 10 bytes): no growing and copying on the way
        Writer w = new Writer(112 + (s.zone == null ? 0 : s.zone.length()) + ID_BYTES * s.recentIds.size()
                + 32 * s.memory.size() + 64 * s.deferred.size() + 128 * s.outcomes.size());
        w.writeByte(VERSION);
        int presence = (s.lastActive != UserState.NONE ? HAS_LAST_ACTIVE : 0)
                | (s.stage != null ? HAS_STAGE : 0)
                | (s.zone != null ? HAS_ZONE : 0)
                | (s.activeDaysBits != 0 ? HAS_ACTIVE_DAYS : 0)
                | (s.capCount != 0 ? HAS_CAP : 0)
                | (s.memory.size() != 0 ? HAS_MEMORY : 0)
                | (!s.deferred.isEmpty() ? HAS_DEFERRED : 0)
                | (s.wakeAt != UserState.NONE ? HAS_WAKE : 0)
                | (s.consentTime != UserState.NONE ? HAS_CONSENT_TIME : 0)
                | (s.zoneTime != UserState.NONE ? HAS_ZONE_TIME : 0)
                | (s.runBeforeWindow != 0 ? HAS_RUN_BEFORE_WINDOW : 0)
                | (s.ruleSetSeq != 0 ? HAS_RULE_SET : 0)
                | (!s.outcomes.isEmpty() ? HAS_OUTCOMES : 0);
        w.writeVarInt(presence);
        w.writeSignedVarLong(s.clock);
        w.writeSignedVarLong(s.clock - s.firstSeen);
        w.writeSignedVarLong(s.clock - s.onboardingStart);
        w.writeSignedVarLong(s.clock - s.newestEventTime);
        w.writeSignedVarLong(s.clock - s.stageSince);
        if (s.lastActive != UserState.NONE) {
            w.writeSignedVarLong(s.clock - s.lastActive);
        }
        if (s.wakeAt != UserState.NONE) {
            w.writeSignedVarLong(s.wakeAt - s.clock);
        }
        if (s.consentTime != UserState.NONE) {
            w.writeSignedVarLong(s.clock - s.consentTime);
        }
        if (s.zoneTime != UserState.NONE) {
            w.writeSignedVarLong(s.clock - s.zoneTime);
        }
        if (s.stage != null) {
            w.writeByte((byte) s.stage.ordinal());
        }
        if (s.zone != null) {
            w.writeString(s.zone);
        }
        if (s.activeDaysBits != 0) {
            w.writeSignedVarLong(s.activeDaysAnchor);
            w.writeVarLong(s.activeDaysBits);
            if (s.runBeforeWindow != 0) {
                w.writeVarLong(s.runBeforeWindow);
            }
        }
        w.writeVarInt(s.checklistDone);
        w.writeVarInt(s.flags);
        w.writeRecentIds(s);
        if (s.capCount != 0) {
            w.writeSignedVarLong(s.capDay);
            w.writeVarInt(s.capCount);
        }
        if (s.memory.size() != 0) {
            w.writeVarInt(s.memory.size());
            for (int i = 0; i < s.memory.size(); i++) {
                w.writeInt(s.memory.keyAt(i));
                long[] values = s.memory.valuesAt(i);
                w.writeVarInt(values.length);
                for (long v : values) {
                    w.writeSignedVarLong(v);
                }
            }
        }
        if (!s.deferred.isEmpty()) {
            w.writeVarInt(s.deferred.size());
            for (DeferredTrigger d : s.deferred) {
                w.writeString(d.ruleId());
                w.writeSignedVarLong(s.clock - d.dueAt());
                w.writeSignedVarLong(s.clock - d.deferTo());
                w.writeNullableString(d.causeEventId());
                w.writeNullableString(d.group());
                w.writeVarInt(d.variables().size());
                for (java.util.Map.Entry<String, String> e : new java.util.TreeMap<>(d.variables()).entrySet()) {
                    w.writeString(e.getKey());
                    w.writeString(e.getValue());
                }
            }
        }
        if (s.ruleSetSeq != 0) {
            w.writeVarInt(s.ruleSetSeq);
        }
        if (!s.outcomes.isEmpty()) {
            w.writeVarInt(s.outcomes.size());
            for (OpenOutcome o : s.outcomes) {
                // a trigger id is a UUID's text (FiredTrigger): its 16 bytes, not 36 characters
                java.util.UUID id = java.util.UUID.fromString(o.triggerId());
                w.writeLong(id.getMostSignificantBits());
                w.writeLong(id.getLeastSignificantBits());
                w.writeString(o.ruleId());
                w.writeNullableString(o.variant());
                w.writeNullableString(o.suppressedReason());
                w.writeSignedVarLong(s.clock - o.fireTime());
                w.writeVarLong(o.windowEnd() - o.fireTime());
                w.writeNullableString(o.ruleSetVersion());
                w.writeVarInt(o.goalEvents().size());
                for (String type : o.goalEvents()) {
                    w.writeString(type);
                }
            }
        }
        return w.toByteArray();
    }

    public static UserState decode(byte[] bytes) {
        Reader r = new Reader(bytes);
        byte version = r.readByte();
        if (version < VERSION_PROCESSING_TIME_TIMERS || version > VERSION) {
            throw new IllegalStateException("Unknown user state version " + version + " (this build reads "
                    + VERSION_PROCESSING_TIME_TIMERS + " to " + VERSION + ")");
        }
        UserState s = new UserState();
        int presence = r.readVarInt();
        s.clock = r.readSignedVarLong();
        s.firstSeen = s.clock - r.readSignedVarLong();
        s.onboardingStart = s.clock - r.readSignedVarLong();
        s.newestEventTime = s.clock - r.readSignedVarLong();
        s.stageSince = s.clock - r.readSignedVarLong();
        if ((presence & HAS_LAST_ACTIVE) != 0) {
            s.lastActive = s.clock - r.readSignedVarLong();
        }
        if ((presence & HAS_WAKE) != 0) {
            s.wakeAt = s.clock + r.readSignedVarLong();
            if (version == VERSION_PROCESSING_TIME_TIMERS && s.wakeAt <= s.clock) {
                s.wakeAt = UserState.NONE;
            }
        }
        if ((presence & HAS_CONSENT_TIME) != 0) {
            s.consentTime = s.clock - r.readSignedVarLong();
        }
        if ((presence & HAS_ZONE_TIME) != 0) {
            s.zoneTime = s.clock - r.readSignedVarLong();
        }
        if ((presence & HAS_STAGE) != 0) {
            s.stage = Stage.ofOrdinal(r.readByte());
        }
        if ((presence & HAS_ZONE) != 0) {
            s.zone = LocalCalendar.canonical(r.readString());
            if (version <= VERSION_ARRIVAL_ORDER) {
                s.zoneTime = s.newestEventTime; // it came with an event no newer than that
            }
        }
        if ((presence & HAS_ACTIVE_DAYS) != 0) {
            s.activeDaysAnchor = (int) r.readSignedVarLong();
            s.activeDaysBits = r.readVarLong();
            if ((presence & HAS_RUN_BEFORE_WINDOW) != 0) {
                s.runBeforeWindow = (int) r.readVarLong();
            }
        }
        s.checklistDone = r.readVarInt();
        s.flags = r.readVarInt();
        r.readRecentIds(s);
        if ((presence & HAS_CAP) != 0) {
            s.capDay = (int) r.readSignedVarLong();
            s.capCount = r.readVarInt();
        }
        if ((presence & HAS_MEMORY) != 0) {
            int slots = r.readVarInt();
            for (int i = 0; i < slots; i++) {
                int key = r.readInt();
                long[] values = new long[r.readVarInt()];
                for (int j = 0; j < values.length; j++) {
                    values[j] = r.readSignedVarLong();
                }
                s.memory.put(key, values);
            }
        }
        if ((presence & HAS_DEFERRED) != 0) {
            int n = r.readVarInt();
            java.util.List<DeferredTrigger> deferred = new java.util.ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String ruleId = r.readString();
                long dueAt = s.clock - r.readSignedVarLong();
                long deferTo = s.clock - r.readSignedVarLong();
                String cause = r.readNullableString();
                String group = r.readNullableString();
                int vars = r.readVarInt();
                java.util.Map<String, String> variables = new java.util.TreeMap<>();
                for (int j = 0; j < vars; j++) {
                    variables.put(r.readString(), r.readString());
                }
                deferred.add(new DeferredTrigger(ruleId, dueAt, deferTo, cause, group, variables));
            }
            s.deferred = deferred;
        }
        if ((presence & HAS_RULE_SET) != 0) {
            s.ruleSetSeq = r.readVarInt();
        }
        if ((presence & HAS_OUTCOMES) != 0) {
            int n = r.readVarInt();
            java.util.List<OpenOutcome> outcomes = new java.util.ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String triggerId = new java.util.UUID(r.readLong(), r.readLong()).toString();
                String ruleId = r.readString();
                String variant = r.readNullableString();
                String reason = r.readNullableString();
                long fireTime = s.clock - r.readSignedVarLong();
                long windowEnd = fireTime + r.readVarLong();
                String ruleSetVersion = r.readNullableString();
                String[] goal = new String[r.readVarInt()];
                for (int j = 0; j < goal.length; j++) {
                    goal[j] = r.readString();
                }
                outcomes.add(new OpenOutcome(triggerId, ruleId, variant, reason, fireTime, windowEnd, ruleSetVersion, java.util.List.of(goal)));
            }
            s.outcomes = outcomes;
        }
        return s;
    }

    /** Bytes per remembered event id: its hash and its time as an offset from the user's clock. */
    private static final int ID_BYTES = 12;

    private static final class Writer {
        private byte[] buf;
        private int pos;

        Writer(int expectedSize) {
            buf = new byte[expectedSize];
        }

        /**
         * Ids are only kept within the dedup window of the clock, so the offset fits an int (the parser
         * limits the window); an id that somehow does not is past any window and is dropped.
         */
        void writeRecentIds(UserState s) {
            RecentIds ids = s.recentIds;
            int countAt = pos;
            writeVarInt(ids.size());
            ensure(ID_BYTES * ids.size());
            int kept = 0;
            for (int i = 0; i < ids.size(); i++) {
                long offset = s.clock - ids.seenAtOf(i);
                if (offset != (int) offset) {
                    continue;
                }
                LONGS.set(buf, pos, ids.hashAt(i));
                INTS.set(buf, pos + 8, (int) offset);
                pos += ID_BYTES;
                kept++;
            }
            if (kept != ids.size()) { // rare: rewrite the count, shifting the ids if its width changed
                byte[] keptIds = Arrays.copyOfRange(buf, pos - ID_BYTES * kept, pos);
                pos = countAt;
                writeVarInt(kept);
                ensure(keptIds.length);
                System.arraycopy(keptIds, 0, buf, pos, keptIds.length);
                pos += keptIds.length;
            }
        }

        void writeByte(byte b) {
            ensure(1);
            buf[pos++] = b;
        }

        void writeVarInt(int v) {
            writeVarLong(v & 0xFFFFFFFFL);
        }

        void writeVarLong(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[pos++] = (byte) v;
        }

        void writeSignedVarLong(long v) {
            writeVarLong((v << 1) ^ (v >> 63));
        }

        void writeInt(int v) {
            ensure(4);
            for (int i = 3; i >= 0; i--) {
                buf[pos++] = (byte) (v >>> (8 * i));
            }
        }

        void writeLong(long v) {
            writeInt((int) (v >>> 32));
            writeInt((int) v);
        }

        void writeNullableString(String s) {
            writeByte((byte) (s == null ? 0 : 1));
            if (s != null) {
                writeString(s);
            }
        }

        void writeString(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            writeVarInt(utf8.length);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, buf, pos, utf8.length);
            pos += utf8.length;
        }

        private void ensure(int more) {
            if (pos + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, pos);
        }
    }

    private static final class Reader {
        private final byte[] buf;
        private int pos;

        Reader(byte[] buf) {
            this.buf = buf;
        }

        byte readByte() {
            return buf[pos++];
        }

        void readRecentIds(UserState s) {
            int count = readVarInt();
            long[] pairs = new long[2 * Math.max(2, count)];
            for (int i = 0; i < count; i++) {
                pairs[2 * i] = (long) LONGS.get(buf, pos);
                pairs[2 * i + 1] = s.clock - (int) INTS.get(buf, pos + 8);
                pos += ID_BYTES;
            }
            s.recentIds = RecentIds.of(pairs, count);
        }

        int readVarInt() {
            return (int) readVarLong();
        }

        long readVarLong() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = buf[pos++];
                result |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
            }
            throw new IllegalStateException("Malformed varint in user state");
        }

        long readSignedVarLong() {
            long raw = readVarLong();
            return (raw >>> 1) ^ -(raw & 1);
        }

        int readInt() {
            int v = 0;
            for (int i = 0; i < 4; i++) {
                v = (v << 8) | (buf[pos++] & 0xFF);
            }
            return v;
        }

        long readLong() {
            return ((long) readInt() << 32) | (readInt() & 0xFFFFFFFFL);
        }

        String readNullableString() {
            return readByte() == 0 ? null : readString();
        }

        String readString() {
            int len = readVarInt();
            String s = new String(buf, pos, len, StandardCharsets.UTF_8);
            pos += len;
            return s;
        }
    }
}
