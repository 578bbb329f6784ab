# SPDX-License-Identifier: MIT
# services.prometheus.exporters.nixos: runs nixos-exporter as a hardened systemd service.
#
# nixpkgs declares `services.prometheus.exporters` as ONE option whose type is a submodule
# with a fixed list of exporters, and its helper that builds an exporter's options is private.
# An out-of-tree module cannot add a key to that list, but it can declare the same option
# again with only a `type`: the module system merges two submodule types into one, so our
# `nixos` entry sits next to `node`, `systemd` and the others. That declaration must carry no
# default or description (nixpkgs' has them; two would clash).
{
  config,
  lib,
  pkgs,
  ...
}:
let
  inherit (lib)
    mkOption
    mkEnableOption
    mkIf
    types
    ;
  cfg = config.services.prometheus.exporters.nixos;

  # The exporter's collectors and whether each is on without a flag (its registration table,
  # exporter/collectors.cpp). tests/nix compares this with `nixos-exporter --help`.
  collectorDefaults = {
    generation = true;
    flake = false;
    store = false;
    upgrade = false;
    boot = true;
    maintenance = false;
  };

  # One argument of a systemd command line: systemd expands % and $ and splits at blanks,
  # so anything beyond plain flag characters is quoted and escaped.
  systemdArg =
    arg:
    let
      s = toString arg;
    in
    # (POSIX brackets: "]" first and "-" last are literal.)
    if builtins.match "[]A-Za-z0-9_./:=@,+[-]+" s != null then
      s
    else
      "\""
      + lib.replaceStrings [ "\\" "\"" "%" "$" ] [ "\\\\" "\\\"" "%%" "$$" ] s
      + "\"";

  isStoreLocation = p: builtins.isPath p || lib.hasPrefix "${builtins.storeDir}/" (toString p);

  # `[host]:port` as the exporter reads it: no host means every address (IPv4 and IPv6),
  # an IPv6 address gets brackets.
  listen =
    let
      host = cfg.listenAddress;
      bracketed = lib.hasInfix ":" host && !lib.hasPrefix "[" host;
    in
    "${if bracketed then "[${host}]" else host}:${toString cfg.port}";

  # Where the flake collector reads the lock, as the exporter sees it at run time.
  lockFlag =
    if cfg.flake.linkIntoSystem then
      "/run/current-system/flake.lock"
    else if cfg.flake.lockPath != null then
      # A Nix path is copied to the store here; a string stays what it is.
      "${cfg.flake.lockPath}"
    else
      null;

  # A collector gets a flag only where the wanted state differs from what the exporter would
  # pick without it (settings file, else its default): the plan's snippet then gives exactly
  # the plan's command line, and `collectors` always decides.
  collectorFlags = lib.concatMap (
    name:
    let
      wanted = lib.elem name cfg.collectors;
      otherwise = cfg.settings.collectors.${name}.enabled or collectorDefaults.${name};
    in
    lib.optional (wanted != otherwise) (if wanted then "--collector.${name}" else "--no-collector.${name}")
  ) (lib.attrNames collectorDefaults);

  # systemd's ListenStream=: a bare port listens on every address, IPv4 and IPv6.
  listenStream = if cfg.listenAddress == "" then toString cfg.port else listen;

  args =
    (if cfg.systemdSocket then [ "--web.systemd-socket" ] else [ "--listen=${listen}" ])
    ++ lib.optional (cfg.webConfigFile != null) "--web.config.file=${cfg.webConfigFile}"
    ++ collectorFlags
    ++ lib.optional (lockFlag != null) "--flake.lock-path=${lockFlag}"
    ++ lib.optional (cfg.configFile != null) "--config=${cfg.configFile}"
    ++ cfg.extraFlags;

  # Values the exporter's YAML file can hold (JSON is a subset of YAML 1.2).
  settingsValue =
    types.nullOr (
      types.oneOf [
        types.bool
        types.int
        types.float
        types.str
        (types.attrsOf settingsValue)
        (types.listOf settingsValue)
      ]
    )
    // {
      description = "YAML value";
    };

  # A lock under /home or /root stays readable when ProtectHome would hide it.
  lockInHome =
    cfg.flake.lockPath != null
    && !isStoreLocation cfg.flake.lockPath
    && (lib.hasPrefix "/home/" (toString cfg.flake.lockPath) || lib.hasPrefix "/root/" (toString cfg.flake.lockPath));

  exporterOptions =
    { config, ... }:
    {
      options = {
        enable = mkEnableOption "the Prometheus NixOS exporter (generations, reboot required, flake inputs)";

        package = lib.mkPackageOption pkgs "nixos-exporter" { };

        port = mkOption {
          type = types.port;
          default = 9971;
          description = "Port to serve `/metrics` on.";
        };

        listenAddress = mkOption {
          type = types.str;
          default = "";
          example = "127.0.0.1";
          description = ''
            Address to listen on. The empty default means every address, IPv4 and IPv6
            (`--listen=:9971`); an IPv6 address such as `::1` is bracketed for you.
            Unlike most nixpkgs exporters the default is not `0.0.0.0`, which is IPv4 only.
          '';
        };

        collectors = mkOption {
          type = types.listOf (types.enum (lib.attrNames collectorDefaults));
          default = lib.attrNames (lib.filterAttrs (_: on: on) collectorDefaults);
          defaultText = lib.literalExpression ''[ "boot" "generation" ]'';
          example = [
            "generation"
            "flake"
          ];
          description = "Collectors to run; every other one is switched off.";
        };

        flake.lockPath = mkOption {
          type = types.nullOr types.path;
          default = null;
          example = lib.literalExpression "./flake.lock";
          description = ''
            The flake.lock the flake collector reports. A string such as
            `"/etc/nixos/flake.lock"` is read at run time. A Nix path (`./flake.lock`) is
            copied to the store and, through {option}`flake.linkIntoSystem`, becomes
            `/run/current-system/flake.lock`: the lock the running system was built from,
            also on machines deployed from elsewhere. `null` lets the exporter look for
            `/run/current-system/flake.lock`, then `/etc/nixos/flake.lock`.
          '';
        };

        flake.linkIntoSystem = mkOption {
          type = types.bool;
          default = config.flake.lockPath != null && isStoreLocation config.flake.lockPath;
          defaultText = lib.literalMD "`true` when {option}`flake.lockPath` is a Nix path or a store path";
          description = ''
            Link the lock into the system closure as `$out/flake.lock`, so every generation
            carries the lock it was built from, and report `/run/current-system/flake.lock`.
            A switch then changes what is reported without restarting the exporter.
          '';
        };

        boot.readAccess = mkOption {
          type = types.bool;
          default = false;
          description = ''
            Let the boot collector list the ESP. NixOS mounts it with `fmask=0077,dmask=0077`,
            so the exporter's own user can only `statfs` it: it reports the free and total
            bytes, and the entries and the bytes they take stay unknown. This option gives the
            exporter `CAP_DAC_READ_SEARCH` as an ambient capability (and in its bounding set).

            What it costs: the capability skips read and search permission checks on every
            file, not only on the ESP. A compromised exporter (it answers the network) could
            then read whatever its sandbox still shows, such as `/etc/ssh` host keys,
            `/var/lib` and `/run/secrets`; `/home` and `/root` stay hidden (`ProtectHome`),
            and nothing becomes writable. A narrower way is a mount option on the ESP:
            `dmask=0022` lets everyone list it (the entries' files stay unreadable, which is
            enough to count them but not to follow them to their kernels).
          '';
        };

        settings = mkOption {
          type = types.attrsOf settingsValue;
          default = { };
          example = {
            collectors.flake.lock_path = "/etc/nixos/flake.lock";
          };
          description = ''
            Contents of the exporter's YAML configuration file (see the README for its keys;
            unknown keys stop the exporter at start with a message naming them). The options
            above are passed as flags, which win over the file: `listen_addr` belongs to
            {option}`port` and {option}`listenAddress` and cannot be set here.
          '';
        };

        configFile = mkOption {
          type = types.nullOr types.path;
          default = if config.settings == { } then null else pkgs.writeText "nixos-exporter.yml" (builtins.toJSON config.settings);
          defaultText = lib.literalMD "a file made from {option}`settings`, or `null` when that is empty";
          description = "YAML configuration file passed with `--config`.";
        };

        systemdSocket = mkOption {
          type = types.bool;
          default = false;
          description = ''
            Socket activation: a `prometheus-nixos-exporter.socket` unit listens on
            {option}`listenAddress` and {option}`port` and starts the exporter at the first
            connection, passing it the socket (`--web.systemd-socket`). The port is open from
            early boot, and a restart of the exporter drops no connection attempts.
          '';
        };

        webConfigFile = mkOption {
          type = types.nullOr types.path;
          default = null;
          example = "/etc/nixos-exporter/web.yml";
          description = ''
            TLS and basic auth, in the Prometheus exporter-toolkit format
            (`tls_server_config`, `basic_auth_users`; see the README), passed as
            `--web.config.file`. The exporter runs as a dynamic user: the file, and the
            certificate and key it names, must be readable by it (a string path keeps a key
            out of the world-readable store). The exporter reads them again when they change
            (certificate renewal, users added or removed), without a restart.
          '';
        };

        extraFlags = mkOption {
          type = types.listOf types.str;
          default = [ ];
          example = [ "--no-collector.generation" ];
          description = "More command-line arguments, one argument per entry.";
        };

        openFirewall = mkOption {
          type = types.bool;
          default = false;
          description = "Open {option}`port` in the firewall.";
        };

        firewallFilter = mkOption {
          type = types.nullOr types.str;
          default = if config.openFirewall then "-p tcp -m tcp --dport ${toString config.port}" else null;
          defaultText = lib.literalExpression ''"-p tcp -m tcp --dport ''${toString port}"'';
          example = "-i eth0 -p tcp -m tcp --dport 9971";
          description = ''
            iptables filter used when {option}`openFirewall` is set:
            `ip46tables -A nixos-fw <filter> -j nixos-fw-accept`.
          '';
        };

        firewallRules = mkOption {
          type = types.nullOr types.lines;
          default =
            if config.openFirewall then ''tcp dport ${toString config.port} accept comment "nixos-exporter"'' else null;
          defaultText = lib.literalExpression ''"tcp dport ''${toString port} accept"'';
          description = "nftables rules for the input chain, used when {option}`openFirewall` is set and nftables is on.";
        };

        user = mkOption {
          type = types.str;
          default = "nixos-exporter";
          description = "User the exporter runs as (a systemd dynamic user unless it exists).";
        };

        group = mkOption {
          type = types.str;
          default = "nixos-exporter";
          description = "Group the exporter runs as.";
        };
      };
    };
in
{
  options.services.prometheus.exporters = mkOption {
    type = types.submodule {
      options.nixos = mkOption {
        type = types.submodule exporterOptions;
        default = { };
        description = "The NixOS exporter: generations, reboot required, flake input ages.";
      };
    };
  };

  config = mkIf cfg.enable {
    assertions = [
      {
        assertion = cfg.firewallFilter != null -> cfg.openFirewall;
        message = "services.prometheus.exporters.nixos.firewallFilter has no effect unless openFirewall is true.";
      }
      {
        assertion = cfg.flake.linkIntoSystem -> (cfg.flake.lockPath != null && isStoreLocation cfg.flake.lockPath);
        message = ''
          services.prometheus.exporters.nixos.flake.linkIntoSystem needs flake.lockPath to be a
          Nix path (./flake.lock) or a store path; a link to a mutable file would not record
          the lock the system was built from.
        '';
      }
      {
        assertion = !(cfg.settings ? listen_addr);
        message = "services.prometheus.exporters.nixos.settings.listen_addr: set port and listenAddress instead (they are passed as --listen, which wins).";
      }
    ];

    warnings =
      lib.optional (
        cfg.flake.lockPath != null && !lib.elem "flake" cfg.collectors && !cfg.flake.linkIntoSystem
      ) "services.prometheus.exporters.nixos.flake.lockPath is set but the flake collector is not in collectors."
      ++ lib.optional (
        cfg.boot.readAccess && !lib.elem "boot" cfg.collectors
      ) "services.prometheus.exporters.nixos.boot.readAccess grants CAP_DAC_READ_SEARCH but the boot collector is not in collectors.";

    system.extraSystemBuilderCmds = mkIf cfg.flake.linkIntoSystem ''
      ln -s ${cfg.flake.lockPath} $out/flake.lock
    '';

    networking.firewall.extraCommands = mkIf (cfg.openFirewall && !config.networking.nftables.enable) ''
      ip46tables -A nixos-fw ${cfg.firewallFilter} -m comment --comment nixos-exporter -j nixos-fw-accept
    '';
    networking.firewall.extraInputRules = mkIf (cfg.openFirewall && config.networking.nftables.enable) cfg.firewallRules;

    systemd.sockets.prometheus-nixos-exporter = mkIf cfg.systemdSocket {
      description = "Socket of the Prometheus exporter for NixOS";
      wantedBy = [ "sockets.target" ];
      listenStreams = [ listenStream ];
    };

    systemd.services.prometheus-nixos-exporter = {
      description = "Prometheus exporter for NixOS generations and flake inputs";
      wantedBy = lib.optional (!cfg.systemdSocket) "multi-user.target";
      after = [ "network.target" ] ++ lib.optional cfg.systemdSocket "prometheus-nixos-exporter.socket";
      requires = lib.optional cfg.systemdSocket "prometheus-nixos-exporter.socket";
      environment = {
        # Log to stderr (the journal) rather than to journald's socket, which AF_UNIX would need.
        QT_FORCE_STDERR_LOGGING = "1";
        # PCRE2's JIT needs writable executable memory, which MemoryDenyWriteExecute forbids.
        QT_ENABLE_REGEXP_JIT = "0";
      };
      serviceConfig = {
        ExecStart = "${cfg.package}/bin/nixos-exporter ${lib.concatMapStringsSep " " systemdArg args}";
        Restart = "always";
        RestartSec = "5s";
        DynamicUser = true;
        User = cfg.user;
        Group = cfg.group;
        WorkingDirectory = "/tmp";

        # It only reads: symlinks under /nix/var/nix/profiles and /run, files in the store and
        # the lock. ProtectSystem=strict leaves all of those readable and nothing writable.
        ProtectSystem = "strict";
        ProtectHome = if lockInHome then "read-only" else true;
        PrivateTmp = true;
        PrivateDevices = true;
        PrivateUsers = true;
        PrivateIPC = true;
        DevicePolicy = "closed";
        DeviceAllow = [ "" ];
        NoNewPrivileges = true;
        # boot.readAccess: reading an ESP mounted with dmask=0077. PrivateUsers maps root, who
        # owns the ESP's files, so the capability applies to them inside the namespace.
        CapabilityBoundingSet = if cfg.boot.readAccess then [ "CAP_DAC_READ_SEARCH" ] else [ "" ];
        AmbientCapabilities = if cfg.boot.readAccess then [ "CAP_DAC_READ_SEARCH" ] else [ "" ];
        # The maintenance collector talks to systemd over the system D-Bus, a Unix socket.
        RestrictAddressFamilies = [
          "AF_INET"
          "AF_INET6"
        ] ++ lib.optional (lib.elem "maintenance" cfg.collectors) "AF_UNIX";
        RestrictNamespaces = true;
        RestrictRealtime = true;
        RestrictSUIDSGID = true;
        LockPersonality = true;
        MemoryDenyWriteExecute = true;
        ProtectClock = true;
        ProtectControlGroups = true;
        ProtectHostname = true;
        ProtectKernelLogs = true;
        ProtectKernelModules = true;
        ProtectKernelTunables = true;
        ProtectProc = "invisible";
        ProcSubset = "pid";
        RemoveIPC = true;
        KeyringMode = "private";
        SystemCallArchitectures = "native";
        SystemCallFilter = [
          "@system-service"
          "~@privileged"
          "~@resources"
        ];
        SystemCallErrorNumber = "EPERM";
        UMask = "0077";
      };
    };
  };
}
