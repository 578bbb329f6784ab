# SPDX-License-Identifier: MIT
# NixOS VM test (pkgs.testers.runNixOSTest): a machine with the exporter module registers its
# booted system as generation 1, switches to generation 2 (a specialisation with another
# initrd, so a reboot is required) and the metrics over HTTP follow, without a restart.
# Run: nix build .#checks.x86_64-linux.vm-test (needs KVM).
{ exporterModule }:
{
  name = "nixos-exporter";

  nodes.machine =
    { pkgs, ... }:
    {
      imports = [ exporterModule ];

      services.prometheus.exporters.nixos = {
        enable = true;
        collectors = [
          "generation"
          "flake"
        ];
        # A Nix path: linked into the system, reported from /run/current-system/flake.lock.
        flake.lockPath = ./vm-test.lock;
      };

      environment.systemPackages = [ pkgs.curl ];

      # The second system: the same configuration with one more file in the initrd (for the
      # scripted and the systemd stage 1 alike), so its initrd differs from the booted one and a
      # reboot is required after switching to it.
      specialisation.other.configuration.boot.initrd = {
        extraFiles."etc/nixos-status-vm-test".source = pkgs.writeText "nixos-status-vm-test" "other";
        systemd.contents."/etc/nixos-status-vm-test".text = "other";
      };
    };

  testScript = ''
    import shlex

    def metrics():
        return machine.succeed("curl --silent --fail http://127.0.0.1:9971/metrics")

    def wait_for(series, value):
        """Waits until /metrics has the line 'series value' (the exporter rescans on change)."""
        line = f"{series} {value}"
        machine.wait_until_succeeds(
            "curl --silent --fail http://127.0.0.1:9971/metrics | grep --fixed-strings --line-regexp "
            + shlex.quote(line),
            timeout=120,  # inotify, else the rescan every minute
        )

    def assert_line(text, line):
        assert line in text.splitlines(), f"missing line: {line}\n{text}"

    start_all()
    machine.wait_for_unit("prometheus-nixos-exporter.service")
    machine.wait_for_open_port(9971)

    with subtest("runs unprivileged under its hardening"):
        pid = machine.succeed("systemctl show --property=MainPID --value prometheus-nixos-exporter").strip()
        user = machine.succeed(f"stat --format=%U /proc/{pid}").strip()
        assert user == "nixos-exporter", f"runs as {user}"
        assert machine.succeed("systemctl show --property=ProtectSystem --value prometheus-nixos-exporter").strip() == "strict"
        print(machine.execute("systemd-analyze security prometheus-nixos-exporter.service")[1])

    with subtest("the lock the system was built from"):
        machine.succeed("test -f /run/current-system/flake.lock")
        text = metrics()
        assert_line(text, 'nixos_exporter_collector_success{collector="flake"} 1')
        assert_line(text, 'nixos_flake_input_last_modified_timestamp_seconds{input="nixpkgs",type="github",owner="NixOS",ref="nixos-unstable"} 1786245335')
        assert 'nixos_flake_input_info{input="nixpkgs",rev="33ddeb9e7c03403e17814e8aac1f7affe6d70b21"' in text, text

    with subtest("generation 1: the booted system"):
        # What nixos-rebuild does before it switches: set the system profile.
        machine.succeed("nix-env --profile /nix/var/nix/profiles/system --set /run/booted-system")
        wait_for("nixos_generation_count", 1)
        text = metrics()
        for line in ["nixos_current_generation 1", "nixos_booted_generation 1", "nixos_default_generation 1",
                     "nixos_config_mismatch 0", "nixos_reboot_required 0",
                     'nixos_exporter_collector_success{collector="generation"} 1']:
            assert_line(text, line)

    with subtest("generation 2: switch to a system with another initrd"):
        other = machine.succeed("readlink --canonicalize /run/booted-system/specialisation/other").strip()
        machine.succeed(f"nix-env --profile /nix/var/nix/profiles/system --set {other}")
        machine.succeed(f"{other}/bin/switch-to-configuration test")
        wait_for("nixos_current_generation", 2)
        text = metrics()
        for line in ["nixos_generation_count 2", "nixos_booted_generation 1", "nixos_default_generation 2",
                     "nixos_config_mismatch 1", "nixos_reboot_required 1",
                     'nixos_reboot_required_reason{reason="initrd"} 1',
                     'nixos_reboot_required_reason{reason="kernel"} 0']:
            assert_line(text, line)
        # The new generation carries the same lock, read through the new /run/current-system.
        assert_line(text, 'nixos_exporter_collector_success{collector="flake"} 1')
        after = machine.succeed("systemctl show --property=MainPID --value prometheus-nixos-exporter").strip()
        print(f"exporter pid before the switch {pid}, after {after} (the same when not restarted)")
  '';
}
