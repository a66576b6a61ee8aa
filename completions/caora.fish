# fish completion for caora(1).
#
# Install: copy to ~/.config/fish/completions/caora.fish (or to the vendor
# completions directory, e.g. /usr/share/fish/vendor_completions.d/).
#
# Kept in step with the CLI by tests/e2e/test_docs_drift.py: every subcommand
# and option of `caora --dump-cli` must be here, and nothing else.

set -l caora_commands diagnose explain list doctor snapshot history undo set-startup-delay selftest pair rndis-reset discharge-guide register firmware fleet

# The caora to ask for codes and journal ids: the one being completed if it
# runs, else the one on PATH. Prints it with the options that say where the
# recipes and the state are (--recipes, --state-dir, --site, --root, --profile).
function __caora_command
    set -l tokens (commandline -opc)
    set -l bin $tokens[1]
    if not command -q $bin
        if command -q caora
            set bin caora
        else
            return 1
        end
    end
    set -l out $bin
    set -l i 2
    while test $i -le (count $tokens)
        switch $tokens[$i]
            case --recipes --state-dir --site --root --profile
                set -l j (math $i + 1)
                if test $j -le (count $tokens)
                    set -a out $tokens[$i] $tokens[$j]
                end
                set i $j
            case '--recipes=*' '--state-dir=*' '--site=*' '--root=*' '--profile=*'
                set -a out $tokens[$i]
        end
        set i (math $i + 1)
    end
    printf '%s\n' $out
end

# Used when caora cannot be run to ask: the official codes, detail codes and
# recipe ids at the time of writing.
function __caora_static_codes
    # BEGIN static codes
    printf '%s\n' \
        001 FUJ001 008 010 011 015 101 102 901 905 906 \
        FUJ008 FUJ905 FUJ906 FUJJP60 FUJJP70 FUJP55 006 016 020 021 023 \
        0x03000001 0x03000002 0x81000008 0x81000023 0x02000003 0x8100000B \
        0x81000005 0x04000011 0x04000012 0x04000013 0x04000014 0x04000015 \
        0x04000016 0x04000017 0x04000018 0x04000019 0x04000020 0xF0301D1A \
        0x81000004 0x02000001 0x81000001 0x81000003 0x81000013 0x01000004 \
        0x81000009 0x01000001 0x03000006 22013C04-2 xxxxC02-4 xxxxC02-11 \
        21700C26-2 21200M23-F12 21200M24-F11 21600M63-F12 31150M24-F12 \
        error-001 error-008 error-010 error-011 error-015 error-101 error-102 \
        error-901 error-905 error-906 error-fuj008 error-fuj905 error-fuj906 \
        error-fujjp60 error-fujjp70 error-fujp55 \
        faq-07 faq-08 faq-09 faq-10 faq-11 faq-12 faq-13 faq-17 faq-18 faq-19 \
        faq-21 faq-25 faq-26 faq-27 faq-28 faq-29 faq-30 faq-38 faq-39 faq-41 \
        faq-42 faq-43 faq-44 faq-45 faq-46 faq-47 \
        qa-01 qa-02 qa-03 qa-04 qa-05 qa-06 qa-07 qa-08 qa-09 qa-10 qa-11 qa-12 \
        qa-13 qa-14 qa-15 qa-16 qa-17 qa-18 qa-19 qa-20 qa-21 qa-22 qa-23 qa-24 \
        qa-25 qa-26 qa-27 qa-28 qa-29 qa-30 qa-31 qa-32 qa-33 qa-34 \
        screen-006 screen-016 screen-020 screen-021 screen-023 screen-card-a \
        screen-card-b screen-reg-a screen-reg-e screen-reg-i screen-reg-u
    # END static codes
end

# Codes, detail codes and recipe ids from `caora list --json`
# (recipes[].codes, recipes[].details, recipes[].recipe).
function __caora_codes
    set -l cmd (__caora_command)
    set -l codes
    if test (count $cmd) -gt 0
        set codes ($cmd --json list 2>/dev/null | awk '
            /"(codes|details)": \[$/ { inlist = 1; next }
            inlist && /\]/ { inlist = 0; next }
            inlist { gsub(/^[ \t]*"|",?[ \t]*$/, ""); if (!seen[$0]++) print; next }
            /^[ \t]*"recipe": "/ { sub(/^[^:]*: "/, ""); sub(/",?[ \t]*$/, ""); if (!seen[$0]++) print }')
    end
    if test (count $codes) -eq 0
        set codes (__caora_static_codes)
    end
    printf '%s\n' $codes
end

# Journal ids from `caora history --json`.
function __caora_journal_ids
    set -l cmd (__caora_command)
    test (count $cmd) -gt 0; or return
    $cmd --json history 2>/dev/null | awk '
        /^      "id": "/ { sub(/^[^:]*: "/, ""); sub(/",?[ \t]*$/, ""); print }'
end

function __caora_ticket_fields
    printf '%s=\n' institution contact unit_serial reader_software_version \
        phenomenon error_code detail_code occurred_at log_bundle
end

function __caora_answers
    set -l cur (commandline -ct)
    if string match -q '*=*' -- $cur
        set -l id (string split -m1 = -- $cur)[1]
        printf '%s=yes\n%s=no\n' $id $id
    end
end

# After `selftest`: true for "stage" until a stage is given, then for "images".
function __caora_selftest_positional
    set -l tokens (commandline -opc)
    contains -- selftest $tokens; or return 1
    if contains -- face $tokens; or contains -- card $tokens; or contains -- run $tokens; or contains -- batch $tokens
        test "$argv[1]" = images
    else
        test "$argv[1]" = stage
    end
end

# After `register`: true until its action is given.
function __caora_register_action
    set -l tokens (commandline -opc)
    contains -- register $tokens; or return 1
    for action in status check add remove cert-change
        contains -- $action $tokens; and return 1
    end
    return 0
end

complete -c caora -f

# Subcommands.
complete -c caora -n "not __fish_seen_subcommand_from $caora_commands" -a diagnose -d "Check a code's causes on this terminal; --fix resolves"
complete -c caora -n "not __fish_seen_subcommand_from $caora_commands" -a explain -d 'Explain a code, screen or symptom and its fixes'
complete -c caora -n "not __fish_seen_subcommand_from $caora_commands" -a list -d 'List recipes (codes, QA, FAQ) or the probe vocabulary'
complete -c caora -n "not __fish_seen_subcommand_from $caora_commands" -a doctor -d 'Run every automatic check when no code is known'
complete -c caora -n "not __fish_seen_subcommand_from $caora_commands" -a snapshot -d "Record this terminal's state for offline replay (--site)"
complete -c caora -n "not __fish_seen_subcommand_from $caora_commands" -a history -d 'The journal of changes caora made'
complete -c caora -n "not __fish_seen_subcommand_from $caora_commands" -a undo -d 'Undo a change caora made'
complete -c caora -n "not __fish_seen_subcommand_from $caora_commands" -a set-startup-delay -d "Show or set the Caora application's startup delay"
complete -c caora -n "not __fish_seen_subcommand_from $caora_commands" -a selftest -d 'Self-test the card stage (placement, OCR, chip) or the face stage (quality, match)'
complete -c caora -n "not __fish_seen_subcommand_from $caora_commands" -a pair -d 'Check how the units are connected and keep their inventory'
complete -c caora -n "not __fish_seen_subcommand_from $caora_commands" -a rndis-reset -d "Recreate the units' RNDIS adapters and wait until they are back"
complete -c caora -n "not __fish_seen_subcommand_from $caora_commands" -a discharge-guide -d "Guide the unit's discharge step by step, checking each step and timing the waits"
complete -c caora -n "not __fish_seen_subcommand_from $caora_commands" -a register -d 'Registration with the login-name tool: status, check, add, remove, cert-change'
complete -c caora -n "not __fish_seen_subcommand_from $caora_commands" -a firmware -d 'Reader software and firmware: versions, a signed manifest, verified download and install'

# Global options (before or after the subcommand).
complete -c caora -s h -l help -d 'Print help and exit'
complete -c caora -l version -d 'Print the version, commit, build options and model file versions'
complete -c caora -l lang -x -a 'ja en' -d 'Language of the output'
complete -c caora -l json -d 'One JSON document on stdout'
complete -c caora -l root -x -a '(__fish_complete_directories)' -d 'Caora install root'
complete -c caora -l site -r -F -a demo -d "Replay a recorded site: a snapshot file, or 'demo'"
complete -c caora -l profile -r -F -d 'Site profile override'
complete -c caora -l recipes -x -a '(__fish_complete_directories)' -d 'Use the recipes in this folder'
complete -c caora -l state-dir -x -a '(__fish_complete_directories)' -d 'State folder (journal, backups, lock)'
complete -c caora -l yes -d 'Do not ask before changing anything'
complete -c caora -l dry-run -d 'Print what would change; change nothing'
complete -c caora -s v -l verbose -d 'Log details on stderr'
complete -c caora -l log-file -r -F -d 'Also write the log to this file'

# diagnose
complete -c caora -n '__fish_seen_subcommand_from diagnose' -l fix -d 'Apply the automatic fixes'
complete -c caora -n '__fish_seen_subcommand_from diagnose' -l reboot -d 'Schedule a restart of the terminal when a fix needs one'
complete -c caora -n '__fish_seen_subcommand_from diagnose' -l answer -x -a '(__caora_answers)' -d 'Answer a question: ID=yes|no'
complete -c caora -n '__fish_seen_subcommand_from diagnose' -l ticket -x -a '(__caora_ticket_fields)' -d 'Fill an escalation field: FIELD=VALUE'
complete -c caora -n '__fish_seen_subcommand_from diagnose explain' -a '(__caora_codes)'

# list
complete -c caora -n '__fish_seen_subcommand_from list' -l kind -x -a 'error screen qa faq' -d 'Only this kind'
complete -c caora -n '__fish_seen_subcommand_from list' -l audience -x -a 'patient staff technician desk' -d 'Only recipes for this audience'
complete -c caora -n '__fish_seen_subcommand_from list' -l probes -d 'List the probe vocabulary'
complete -c caora -n '__fish_seen_subcommand_from list' -l actions -d 'List the action vocabulary'

# snapshot
complete -c caora -n '__fish_seen_subcommand_from snapshot' -s o -l output -r -F -d 'Write the snapshot to this file'

# undo
complete -c caora -n '__fish_seen_subcommand_from undo' -l force -d 'Restore even if the files were changed again since'
complete -c caora -n '__fish_seen_subcommand_from undo' -a '(__caora_journal_ids)' -d 'Journal id'

# set-startup-delay
complete -c caora -n '__fish_seen_subcommand_from set-startup-delay' -l show -d 'Show the delay in both copies'

# selftest: the stage (face), then its images
complete -c caora -n '__fish_seen_subcommand_from selftest' -l threshold -x -d 'Largest distance still judged the same person'
complete -c caora -n '__fish_seen_subcommand_from selftest' -l models -x -a '(__fish_complete_directories)' -d 'Models folder'
complete -c caora -n '__fish_seen_subcommand_from selftest' -l annotate -r -F -d 'Save the capture with the verdicts drawn on it (PNG)'
complete -c caora -n '__fish_seen_subcommand_from selftest' -l reader -x -d 'card: verify with the chip of the card in this PC/SC reader'
complete -c caora -n '__fish_seen_subcommand_from selftest' -l photo -r -F -d 'card: save the face photo from the chip (PNG)'
complete -c caora -n '__fish_seen_subcommand_from selftest' -l force -d 'card: verify even with one try left'
complete -c caora -n '__caora_selftest_positional stage' -a face -d 'The face stage: PROBE REFERENCE'
complete -c caora -n '__caora_selftest_positional stage' -a card -d 'The card stage: IMAGE, a frame of the card camera'
complete -c caora -n '__caora_selftest_positional stage' -a run -d 'Card, chip and face in one pipeline'
complete -c caora -n '__caora_selftest_positional stage' -a batch -d 'MANIFEST: many cases, baselines, a report'
complete -c caora -n '__fish_seen_subcommand_from selftest' -l repeat -x -d 'batch: runs of each case'
complete -c caora -n '__fish_seen_subcommand_from selftest' -l save-baseline -x -d 'batch: record the results as this baseline'
complete -c caora -n '__fish_seen_subcommand_from selftest' -l baseline -x -d 'batch: compare with this baseline'
complete -c caora -n '__fish_seen_subcommand_from selftest' -l report -x -a '(__fish_complete_directories)' -d 'batch: write an HTML report into this folder'
complete -c caora -n '__fish_seen_subcommand_from selftest' -l card -r -F -d 'run: the card camera frame'
complete -c caora -n '__fish_seen_subcommand_from selftest' -l capture -r -F -d 'run: the face camera capture'
complete -c caora -n '__fish_seen_subcommand_from selftest' -l reference -r -F -d 'run: the photo to match against (default: the chip photo)'
complete -c caora -n '__caora_selftest_positional images' -F

# The same for caora.exe (Windows builds run from fish under MSYS2/Cygwin).
complete -c caora.exe -w caora

# pair
complete -c caora -n '__fish_seen_subcommand_from pair' -l licences -x -d 'Number of multi-unit licences bought'

# collect-logs
complete -c caora -n "not __fish_seen_subcommand_from $caora_commands" -a collect-logs -d "Collect a redacted support bundle with the vendor's ticket filled in"
complete -c caora -n '__fish_seen_subcommand_from collect-logs' -s o -l output -r -d 'Write the bundle here'
complete -c caora -n '__fish_seen_subcommand_from collect-logs' -l since -x -d 'Collect this many days of logs (default 61)'
complete -c caora -n '__fish_seen_subcommand_from collect-logs' -l include -r -d 'Also include this file or folder'
complete -c caora -n '__fish_seen_subcommand_from collect-logs' -l no-redact -d 'Do not redact personal data'
complete -c caora -n '__fish_seen_subcommand_from collect-logs' -l ticket -x -d 'A ticket field FIELD=VALUE'
complete -c caora -n '__fish_seen_subcommand_from collect-logs' -l force -d 'Replace an existing output file'
complete -c caora -n '__fish_seen_subcommand_from collect-logs' -l redact -r -d 'Redact an existing bundle or vendor zip'
complete -c caora -n '__fish_seen_subcommand_from collect-logs' -l vendor -d 'Run or guide the vendor log collection and wait for its zip'
complete -c caora -n '__fish_seen_subcommand_from collect-logs' -l with-images -d 'Include face images and card frames'
complete -c caora -n '__fish_seen_subcommand_from collect-logs' -l timeout -x -d 'Seconds each collector may take (default 120)'
complete -c caora -n '__fish_seen_subcommand_from collect-logs' -l deadline -x -d 'Seconds the whole run may take (default 600)'

# rndis-reset
complete -c caora -n '__fish_seen_subcommand_from rndis-reset' -l device -x -d 'Only the unit with this serial number'
complete -c caora -n '__fish_seen_subcommand_from rndis-reset' -l timeout -x -d 'Seconds to wait for the adapter to come back (default 60)'
complete -c caora -n '__fish_seen_subcommand_from rndis-reset' -l reboot -d 'Schedule a restart of the terminal if the OS needs one'

# discharge-guide
complete -c caora -n '__fish_seen_subcommand_from discharge-guide' -l device -x -d 'Serial number of the unit to discharge'
complete -c caora -n '__fish_seen_subcommand_from discharge-guide' -l resume -d 'Continue a guide that was interrupted'
complete -c caora -n '__fish_seen_subcommand_from discharge-guide' -l status -d 'Show the guide in progress'
complete -c caora -n '__fish_seen_subcommand_from discharge-guide' -l cancel -d 'Cancel the guide in progress'
complete -c caora -n '__fish_seen_subcommand_from discharge-guide' -l timeout -x -d 'Seconds to wait for each step a person does (default 600)'
# register: the action, then its options
complete -c caora -n '__caora_register_action' -a 'status check add remove cert-change'
complete -c caora -n '__fish_seen_subcommand_from register' -l account -x -d 'Face-auth account login ID (starts with F0)'
complete -c caora -n '__fish_seen_subcommand_from register' -l reader -x -d 'Reader name'
complete -c caora -n '__fish_seen_subcommand_from register' -l env -x -a 'verification production both' -d 'Environment'
complete -c caora -n '__fish_seen_subcommand_from register' -l update -d 'Check an update instead of a new registration'
complete -c caora -n '__fish_seen_subcommand_from register' -l ledger -r -F -d "The institution's registration ledger (CSV)"
complete -c caora -n '__fish_seen_subcommand_from register' -l device -x -d "The unit's serial number"
complete -c caora -n '__fish_seen_subcommand_from register' -l institution-code-changed -d 'The institution code changes too (QA 32)'
complete -c caora -n '__fish_seen_subcommand_from register' -l face-dll -x -d 'The face-auth DLL version'
complete -c caora -n '__fish_seen_subcommand_from register' -l answer -x -a '(__caora_answers)' -d 'Answer a question: ID=yes|no'
complete -c caora -n '__fish_seen_subcommand_from register' -l timeout -x -d 'add: seconds to wait for each step (default 600)'
complete -c caora -n '__fish_seen_subcommand_from register' -l password-stdin -d 'add: read the password from stdin'
complete -c caora -n '__fish_seen_subcommand_from register' -l ask-password -d 'add: ask for the password without echo'

# firmware: the action, then its options (install takes the installer file)
function __caora_firmware_action
    set -l tokens (commandline -opc)
    contains -- firmware $tokens; or return 1
    for action in status refresh download history install
        contains -- $action $tokens; and return 1
    end
    return 0
end
complete -c caora -n '__caora_firmware_action' -a 'status refresh download history install'
complete -c caora -n '__fish_seen_subcommand_from firmware' -F
complete -c caora -n '__fish_seen_subcommand_from firmware' -l manifest-url -x -d "refresh: the manifest's https:// URL"
complete -c caora -n '__fish_seen_subcommand_from firmware' -l trust-key -r -F -d 'refresh: the minisign public key file to trust'
complete -c caora -n '__fish_seen_subcommand_from firmware' -l cacert -r -F -d 'The CA certificates (PEM) to trust'
complete -c caora -n '__fish_seen_subcommand_from firmware' -l component -x -a 'reader-software firmware' -d 'download/install: the component'
complete -c caora -n '__fish_seen_subcommand_from firmware' -s o -l output-dir -x -a '(__fish_complete_directories)' -d 'download: the folder to save into'
complete -c caora -n '__fish_seen_subcommand_from firmware' -l reboot -d "install: schedule the terminal's restart"
complete -c caora -n '__fish_seen_subcommand_from firmware' -l resume -d 'install: continue after the restart'
complete -c caora -n '__fish_seen_subcommand_from firmware' -l allow-downgrade -d 'install: allow an older version'
complete -c caora -n '__fish_seen_subcommand_from firmware' -l timeout -x -d 'install: the limit of each wait in seconds'

# fleet: report, then the results folder
complete -c caora -n "not __fish_seen_subcommand_from $caora_commands" -a fleet -d "Fold many terminals' doctor/diagnose results into one report"
function __caora_fleet_action
    set -l tokens (commandline -opc)
    contains -- fleet $tokens; or return 1
    contains -- report $tokens; and return 1
    return 0
end
complete -c caora -n '__caora_fleet_action' -a report -d 'A report from a folder of results'
complete -c caora -n '__fish_seen_subcommand_from fleet' -F
complete -c caora -n '__fish_seen_subcommand_from fleet' -l html -r -F -d 'Write a page with a sortable table and a chart'
