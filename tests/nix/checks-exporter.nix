# SPDX-License-Identifier: MIT
# What services.prometheus.exporters.nixos makes of its options. Evaluates to a summary
# string, or throws with every failed check.
{
  lib ? import ./nixpkgs-lib/lib,
}:
let
  t = import ./testlib.nix { inherit lib; };
  inherit (t) check checkThat;

  evalWith =
    settings:
    import ./eval-exporter.nix {
      inherit lib;
      modules = [ { services.prometheus.exporters.nixos = { enable = true; } // settings; } ];
    };
  exec = settings: (evalWith settings).execStart;
  bin = "/nix/store/00000000000000000000000000000000-nixos-status-0.1.0/bin/nixos-exporter";
  fails = value: !(builtins.tryEval (builtins.deepSeq value value)).success;

  # The plan's snippet, verbatim.
  snippet = import ./eval-exporter.nix {
    inherit lib;
    modules = [
      {
        services.prometheus.exporters.nixos = {
          enable = true;
          port = 9971;
          collectors = [
            "generation"
            "flake"
          ];
          flake.lockPath = "/etc/nixos/flake.lock";
        };
      }
    ];
  };
  service = snippet.service;

  # What every nixpkgs exporter gets (nixos/modules/services/monitoring/prometheus/exporters.nix,
  # mkExporterConf); ours must set each of these at least as strictly.
  nixpkgsHardening = {
    DynamicUser = true;
    PrivateTmp = true;
    CapabilityBoundingSet = [ "" ];
    DeviceAllow = [ "" ];
    LockPersonality = true;
    MemoryDenyWriteExecute = true;
    NoNewPrivileges = true;
    PrivateDevices = true;
    ProtectClock = true;
    ProtectControlGroups = true;
    ProtectHome = true;
    ProtectHostname = true;
    ProtectKernelLogs = true;
    ProtectKernelModules = true;
    ProtectKernelTunables = true;
    ProtectSystem = "strict";
    RemoveIPC = true;
    RestrictAddressFamilies = [
      "AF_INET"
      "AF_INET6"
    ];
    RestrictNamespaces = true;
    RestrictRealtime = true;
    RestrictSUIDSGID = true;
    SystemCallArchitectures = "native";
    UMask = "0077";
  };

  lockFile = ../../nix/tests/vm-test.lock;
  withLock = evalWith {
    collectors = [ "flake" ];
    flake.lockPath = lockFile;
  };
  lockInStore = "${lockFile}";

  withSettings = evalWith {
    settings.collectors.flake.lock_path = "/srv/config/flake.lock";
    settings.collectors.generation.enabled = false;
  };

  checks =
    [
      (check "snippet: ExecStart" snippet.execStart
        "${bin} --listen=:9971 --no-collector.boot --collector.flake --flake.lock-path=/etc/nixos/flake.lock")
      # The plan's command line, and the boot collector (added later, on by default) off
      # because the snippet lists its collectors.
      (checkThat "snippet: the plan's command line" (lib.hasInfix
        "--collector.flake --flake.lock-path=/etc/nixos/flake.lock"
        snippet.execStart))
      (check "snippet: wantedBy" service.wantedBy [ "multi-user.target" ])
      (check "snippet: no config file without settings" snippet.cfg.configFile null)
      (check "snippet: nothing linked into the system" snippet.config.system.extraSystemBuilderCmds "")
      (check "snippet: firewall closed" snippet.config.networking.firewall.extraCommands "")
      (check "snippet: no warnings" snippet.config.warnings [ ])
      (check "snippet: nixpkgs' own exporters still there" snippet.config.services.prometheus.exporters.node.port 9100)
      (check "enable alone" (exec { }) "${bin} --listen=:9971")
      (check "service absent when disabled" ((import ./eval-exporter.nix { inherit lib; }).config.systemd.services) { })

      # listenAddress -> --listen
      (check "listen IPv4" (exec { listenAddress = "127.0.0.1"; }) "${bin} --listen=127.0.0.1:9971")
      (check "listen 0.0.0.0 and port" (exec { listenAddress = "0.0.0.0"; port = 9100; }) "${bin} --listen=0.0.0.0:9100")
      (check "listen IPv6 gets brackets" (exec { listenAddress = "::1"; }) "${bin} --listen=[::1]:9971")
      (check "listen bracketed IPv6 kept" (exec { listenAddress = "[::]"; }) "${bin} --listen=[::]:9971")

      # collectors: flags only where they differ from the exporter's defaults
      (check "no collectors" (exec { collectors = [ ]; }) "${bin} --listen=:9971 --no-collector.boot --no-collector.generation")
      (check "flake only" (exec { collectors = [ "flake" ]; })
        "${bin} --listen=:9971 --no-collector.boot --collector.flake --no-collector.generation")
      # The maintenance collector needs the system bus, a Unix socket; nothing else does.
      (check "maintenance: flag and AF_UNIX"
        (let e = evalWith { collectors = [ "boot" "generation" "maintenance" ]; }; in
          [ e.execStart e.service.serviceConfig.RestrictAddressFamilies ])
        [ "${bin} --listen=:9971 --collector.maintenance" [ "AF_INET" "AF_INET6" "AF_UNIX" ] ])
      (check "no maintenance: no AF_UNIX" service.serviceConfig.RestrictAddressFamilies [ "AF_INET" "AF_INET6" ])

      # extraFlags: one argument each, quoted for systemd when needed
      (check "extraFlags" (exec { extraFlags = [ "--root=/srv/a b" "--x=50%" ]; })
        ''${bin} --listen=:9971 "--root=/srv/a b" "--x=50%%"'')

      # A Nix path: into the store, linked into the system, reported from /run/current-system
      (checkThat "lock copied to the store" (lib.hasPrefix "${builtins.storeDir}/" lockInStore))
      (check "lock linked into the system" withLock.config.system.extraSystemBuilderCmds
        "ln -s ${lockInStore} $out/flake.lock\n")
      (check "lock read from the running system" withLock.execStart
        "${bin} --listen=:9971 --no-collector.boot --collector.flake --no-collector.generation --flake.lock-path=/run/current-system/flake.lock")
      (check "lock path without linking"
        (exec {
          flake.lockPath = lockFile;
          flake.linkIntoSystem = false;
        })
        "${bin} --listen=:9971 --flake.lock-path=${lockInStore}")
      (check "lock string not linked" (evalWith { flake.lockPath = "/etc/nixos/flake.lock"; }).cfg.flake.linkIntoSystem false)
      (check "lock without flake collector warns" (evalWith { flake.lockPath = "/etc/nixos/flake.lock"; }).config.warnings [
        "services.prometheus.exporters.nixos.flake.lockPath is set but the flake collector is not in collectors."
      ])
      (check "lock under /home stays readable" (evalWith { flake.lockPath = "/home/me/nixos/flake.lock"; }).service.serviceConfig.ProtectHome
        "read-only")

      # boot.readAccess: CAP_DAC_READ_SEARCH for the ESP, nothing without it
      (check "boot collector on by default" (evalWith { }).cfg.collectors [ "boot" "generation" ])
      (check "no capabilities by default" (evalWith { }).service.serviceConfig.AmbientCapabilities [ "" ])
      (check "boot.readAccess: ambient" (evalWith { boot.readAccess = true; }).service.serviceConfig.AmbientCapabilities
        [ "CAP_DAC_READ_SEARCH" ])
      (check "boot.readAccess: bounding set" (evalWith { boot.readAccess = true; }).service.serviceConfig.CapabilityBoundingSet
        [ "CAP_DAC_READ_SEARCH" ])
      (check "boot.readAccess: no flag" (exec { boot.readAccess = true; }) "${bin} --listen=:9971")
      (check "boot.readAccess without the collector warns"
        (evalWith {
          boot.readAccess = true;
          collectors = [ "generation" ];
        }).config.warnings
        [ "services.prometheus.exporters.nixos.boot.readAccess grants CAP_DAC_READ_SEARCH but the boot collector is not in collectors." ])
      (check "boot collector off" (exec { collectors = [ "generation" ]; }) "${bin} --listen=:9971 --no-collector.boot")

      # settings -> YAML file; collectors still decide
      (check "settings rendered" withSettings.configText
        ''{"collectors":{"flake":{"lock_path":"/srv/config/flake.lock"},"generation":{"enabled":false}}}'')
      (check "settings passed with --config" withSettings.execStart
        "${bin} --listen=:9971 --collector.generation --config=/nix/store/00000000000000000000000000000000-nixos-exporter.yml")

      # firewall, iptables and nftables
      (checkThat "openFirewall, iptables" (lib.hasInfix "ip46tables -A nixos-fw -p tcp -m tcp --dport 9971 "
        (evalWith { openFirewall = true; }).config.networking.firewall.extraCommands))
      (checkThat "openFirewall, nftables" (lib.hasInfix "tcp dport 9971 accept"
        (import ./eval-exporter.nix {
          inherit lib;
          modules = [
            {
              networking.nftables.enable = true;
              services.prometheus.exporters.nixos = {
                enable = true;
                openFirewall = true;
              };
            }
          ];
        }).config.networking.firewall.extraInputRules))

      # assertions refuse what cannot work
      (checkThat "settings.listen_addr refused" (fails (exec { settings.listen_addr = ":1"; })))
      (checkThat "firewallFilter without openFirewall refused" (fails (exec { firewallFilter = "-i eth0"; })))
      (checkThat "linkIntoSystem of a mutable file refused"
        (fails (exec {
          flake.lockPath = "/etc/nixos/flake.lock";
          flake.linkIntoSystem = true;
        })))
    ]
    ++ lib.mapAttrsToList (
      name: value: check "hardening ${name} at least as in nixpkgs" (service.serviceConfig.${name} or null) value
    ) nixpkgsHardening
    ++ [
      (checkThat "SystemCallFilter" (lib.elem "@system-service" service.serviceConfig.SystemCallFilter))
      (check "runs as" service.serviceConfig.User "nixos-exporter")
      (check "no socket unit by default" (snippet.config.systemd.sockets.prometheus-nixos-exporter or null) null)
      (check "socket activation: the socket listens"
        (evalWith { systemdSocket = true; }).config.systemd.sockets.prometheus-nixos-exporter.listenStreams
        [ "9971" ])
      (check "socket activation: on localhost"
        (evalWith {
          systemdSocket = true;
          listenAddress = "::1";
        }).config.systemd.sockets.prometheus-nixos-exporter.listenStreams
        [ "[::1]:9971" ])
      (check "socket activation: the exporter takes the socket, not --listen"
        (exec { systemdSocket = true; })
        "${bin} --web.systemd-socket")
      (check "socket activation: started by the socket"
        (evalWith { systemdSocket = true; }).service.wantedBy
        [ ])
      (check "web config file" (exec { webConfigFile = "/etc/nixos-exporter/web.yml"; })
        "${bin} --listen=:9971 --web.config.file=/etc/nixos-exporter/web.yml")
    ];
in
t.summary checks
