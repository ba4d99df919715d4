package io.nudgeflow.cli;

import picocli.CommandLine;

final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Version.class.getPackage().getImplementationVersion();
        return new String[] {"nudgeflow " + (version == null ? "dev" : version)};
    }
}
