package io.nudgeflow.cli;

import picocli.CommandLine;

final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"nudgeflow " + build()};
    }

    /** The build, from the jar's manifest ({@code dev} when run from classes). */
    static String build() {
        String version = Version.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
