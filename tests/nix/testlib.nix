# SPDX-License-Identifier: MIT
# Tiny check helpers: each check is a list of failure messages (empty when it holds).
{ lib }:
{
  check =
    name: got: expected:
    if got == expected then
      [ ]
    else
      [ "${name}\n    got:      ${builtins.toJSON got}\n    expected: ${builtins.toJSON expected}" ];

  checkThat = name: holds: if holds then [ ] else [ name ];

  # "N checks passed", or an error listing every failed check.
  summary =
    checks:
    let
      failures = lib.concatLists checks;
    in
    if failures == [ ] then
      "${toString (builtins.length checks)} checks passed"
    else
      throw "${toString (builtins.length failures)} of ${toString (builtins.length checks)} checks failed:\n  - ${lib.concatStringsSep "\n  - " failures}";
}
