# PowerShell completion for caora(1).
#
# Install: dot-source this file from your PowerShell profile, e.g.
#     . "C:\Program Files\caora\completions\caora.ps1"
# It registers a native argument completer for caora and caora.exe.
# Windows PowerShell 5.1 does not call native completers for a word that is
# only "-" or "--"; type one more letter (e.g. "--j") there. PowerShell 7 does.
#
# Kept in step with the CLI by tests/e2e/test_docs_drift.py: every subcommand
# and option of `caora --dump-cli` must be here, and nothing else.

Register-ArgumentCompleter -Native -CommandName caora, caora.exe -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commands = [ordered]@{
        'diagnose'          = "Check a code's causes on this terminal; --fix resolves"
        'explain'           = 'Explain a code, screen or symptom and its fixes'
        'list'              = 'List recipes (codes, QA, FAQ) or the probe vocabulary'
        'doctor'            = 'Run every automatic check when no code is known'
        'snapshot'          = "Record this terminal's state for offline replay (--site)"
        'history'           = 'The journal of changes caora made'
        'undo'              = 'Undo a change caora made'
        'set-startup-delay' = "Show or set the Caora application's startup delay"
        'selftest'          = 'Self-test the card stage (placement, OCR, chip) or the face stage (quality, match)'
        'pair'              = 'Check how the units are connected and keep their inventory'
        'rndis-reset'       = "Recreate the units' RNDIS adapters and wait until they are back"
        'discharge-guide'   = "Guide the unit's discharge step by step, checking each step and timing the waits"
        'register'          = 'Registration with the login-name tool: status, check, add, remove, cert-change'
        'firmware'          = 'Reader software and firmware: versions, a signed manifest, verified download and install'
        'fleet'             = "Fold many terminals' doctor/diagnose results into one report"
        'collect-logs'      = "Collect a redacted support bundle with the vendor's ticket filled in"
    }

    # c: the subcommand ('' = global: before or after the subcommand),
    # o: the option, v: takes a value, d: description.
    $options = @(
        @{ c = ''; o = '--help'; v = $false; d = 'Print help and exit' }
        @{ c = ''; o = '-h'; v = $false; d = 'Print help and exit' }
        @{ c = ''; o = '--version'; v = $false; d = 'Print the version, commit, build options and model files'' versions' }
        @{ c = ''; o = '--lang'; v = $true; d = 'Language of the output: ja or en' }
        @{ c = ''; o = '--json'; v = $false; d = 'One JSON document on stdout' }
        @{ c = ''; o = '--root'; v = $true; d = 'Caora install root' }
        @{ c = ''; o = '--site'; v = $true; d = "Replay a recorded site: a snapshot file, or 'demo'" }
        @{ c = ''; o = '--profile'; v = $true; d = 'Site profile override' }
        @{ c = ''; o = '--recipes'; v = $true; d = 'Use the recipes in this folder' }
        @{ c = ''; o = '--state-dir'; v = $true; d = 'State folder (journal, backups, lock)' }
        @{ c = ''; o = '--yes'; v = $false; d = 'Do not ask before changing anything' }
        @{ c = ''; o = '--dry-run'; v = $false; d = 'Print what would change; change nothing' }
        @{ c = ''; o = '-v'; v = $false; d = 'Log details on stderr' }
        @{ c = ''; o = '--verbose'; v = $false; d = 'Log details on stderr' }
        @{ c = ''; o = '--log-file'; v = $true; d = 'Also write the log to this file' }
        @{ c = 'diagnose'; o = '--fix'; v = $false; d = 'Apply the automatic fixes' }
        @{ c = 'diagnose'; o = '--reboot'; v = $false; d = 'Schedule a restart of the terminal when a fix needs one' }
        @{ c = 'diagnose'; o = '--answer'; v = $true; d = 'Answer a question: ID=yes|no' }
        @{ c = 'diagnose'; o = '--ticket'; v = $true; d = 'Fill an escalation field: FIELD=VALUE' }
        @{ c = 'list'; o = '--kind'; v = $true; d = 'Only this kind' }
        @{ c = 'list'; o = '--audience'; v = $true; d = 'Only recipes for this audience' }
        @{ c = 'list'; o = '--probes'; v = $false; d = 'List the probe vocabulary' }
        @{ c = 'list'; o = '--actions'; v = $false; d = 'List the action vocabulary' }
        @{ c = 'snapshot'; o = '-o'; v = $true; d = 'Write the snapshot to this file' }
        @{ c = 'snapshot'; o = '--output'; v = $true; d = 'Write the snapshot to this file' }
        @{ c = 'undo'; o = '--force'; v = $false; d = 'Restore even if the files were changed again since' }
        @{ c = 'set-startup-delay'; o = '--show'; v = $false; d = 'Show the delay in both copies' }
        @{ c = 'selftest'; o = '--threshold'; v = $true; d = 'Largest distance still judged the same person' }
        @{ c = 'selftest'; o = '--models'; v = $true; d = 'Models folder' }
        @{ c = 'selftest'; o = '--annotate'; v = $true; d = 'Save the capture with the verdicts drawn on it (PNG)' }
        @{ c = 'selftest'; o = '--reader'; v = $true; d = 'card: verify with the chip of the card in this PC/SC reader' }
        @{ c = 'selftest'; o = '--photo'; v = $true; d = 'card: save the face photo from the chip (PNG)' }
        @{ c = 'selftest'; o = '--force'; v = $false; d = 'card: verify even with one try left' }
        @{ c = 'selftest'; o = '--card'; v = $true; d = 'run: the card camera frame' }
        @{ c = 'selftest'; o = '--capture'; v = $true; d = 'run: the face camera capture' }
        @{ c = 'selftest'; o = '--reference'; v = $true; d = 'run: the photo to match against (default: the chip photo)' }
        @{ c = 'selftest'; o = '--repeat'; v = $true; d = 'batch: runs of each case' }
        @{ c = 'selftest'; o = '--save-baseline'; v = $true; d = 'batch: record the results as this baseline' }
        @{ c = 'selftest'; o = '--baseline'; v = $true; d = 'batch: compare with this baseline' }
        @{ c = 'selftest'; o = '--report'; v = $true; d = 'batch: write an HTML report into this folder' }
        @{ c = 'pair'; o = '--licences'; v = $true; d = 'Number of multi-unit licences bought' }
        @{ c = 'collect-logs'; o = '-o'; v = $true; d = 'Write the bundle here (default: caora-logs-<host>-<UTC time>.zip in the current folder)' }
        @{ c = 'collect-logs'; o = '--output'; v = $true; d = 'Write the bundle here (default: caora-logs-<host>-<UTC time>.zip in the current folder)' }
        @{ c = 'collect-logs'; o = '--since'; v = $true; d = 'Collect this many days of logs (default 61)' }
        @{ c = 'collect-logs'; o = '--include'; v = $true; d = 'Also include this file or folder (repeatable)' }
        @{ c = 'collect-logs'; o = '--no-redact'; v = $false; d = 'Do not redact personal data (handle with care)' }
        @{ c = 'collect-logs'; o = '--ticket'; v = $true; d = 'A ticket field FIELD=VALUE (repeatable)' }
        @{ c = 'collect-logs'; o = '--force'; v = $false; d = 'Replace an existing output file' }
        @{ c = 'collect-logs'; o = '--redact'; v = $true; d = 'Redact an existing bundle or vendor zip (written to -o)' }
        @{ c = 'collect-logs'; o = '--vendor'; v = $false; d = 'Run or guide the vendor log collection and wait for its zip' }
        @{ c = 'collect-logs'; o = '--with-images'; v = $false; d = 'Include face images and card frames' }
        @{ c = 'collect-logs'; o = '--timeout'; v = $true; d = 'Seconds each collector may take (default 120)' }
        @{ c = 'collect-logs'; o = '--deadline'; v = $true; d = 'Seconds the whole run may take (default 600)' }
        @{ c = 'rndis-reset'; o = '--device'; v = $true; d = 'Only the unit with this serial number' }
        @{ c = 'rndis-reset'; o = '--timeout'; v = $true; d = 'Seconds to wait for the adapter to come back (default 60)' }
        @{ c = 'rndis-reset'; o = '--reboot'; v = $false; d = 'Schedule a restart of the terminal if the OS needs one' }
        @{ c = 'discharge-guide'; o = '--device'; v = $true; d = 'Serial number of the unit to discharge' }
        @{ c = 'discharge-guide'; o = '--resume'; v = $false; d = 'Continue a guide that was interrupted' }
        @{ c = 'discharge-guide'; o = '--status'; v = $false; d = 'Show the guide in progress' }
        @{ c = 'discharge-guide'; o = '--cancel'; v = $false; d = 'Cancel the guide in progress' }
        @{ c = 'discharge-guide'; o = '--timeout'; v = $true; d = 'Seconds to wait for each step a person does (default 600)' }
        @{ c = 'register'; o = '--account'; v = $true; d = 'Face-auth account login ID (starts with F0)' }
        @{ c = 'register'; o = '--reader'; v = $true; d = 'Reader name' }
        @{ c = 'register'; o = '--env'; v = $true; d = 'verification or production (remove: also both)' }
        @{ c = 'register'; o = '--update'; v = $false; d = 'Check an update instead of a new registration' }
        @{ c = 'register'; o = '--ledger'; v = $true; d = "The institution's registration ledger (CSV)" }
        @{ c = 'register'; o = '--device'; v = $true; d = "The unit's serial number" }
        @{ c = 'register'; o = '--institution-code-changed'; v = $false; d = 'The institution code changes too (QA 32)' }
        @{ c = 'register'; o = '--face-dll'; v = $true; d = 'The face-auth DLL version' }
        @{ c = 'register'; o = '--answer'; v = $true; d = 'Answer a question: ID=yes|no' }
        @{ c = 'register'; o = '--timeout'; v = $true; d = 'add: seconds to wait for each step (default 600)' }
        @{ c = 'register'; o = '--password-stdin'; v = $false; d = 'add: read the password from stdin' }
        @{ c = 'register'; o = '--ask-password'; v = $false; d = 'add: ask for the password without echo' }
        @{ c = 'firmware'; o = '--manifest-url'; v = $true; d = "refresh: the manifest's https:// URL" }
        @{ c = 'firmware'; o = '--trust-key'; v = $true; d = 'refresh: the minisign public key file to trust' }
        @{ c = 'firmware'; o = '--cacert'; v = $true; d = 'The CA certificates (PEM) to trust' }
        @{ c = 'firmware'; o = '--component'; v = $true; d = 'download/install: reader-software or firmware' }
        @{ c = 'firmware'; o = '-o'; v = $true; d = 'download: the folder to save into' }
        @{ c = 'firmware'; o = '--output-dir'; v = $true; d = 'download: the folder to save into' }
        @{ c = 'firmware'; o = '--reboot'; v = $false; d = "install: schedule the terminal's restart" }
        @{ c = 'firmware'; o = '--resume'; v = $false; d = 'install: continue after the restart' }
        @{ c = 'firmware'; o = '--allow-downgrade'; v = $false; d = 'install: allow an older version' }
        @{ c = 'firmware'; o = '--timeout'; v = $true; d = 'install: the limit of each wait in seconds' }
        @{ c = 'fleet'; o = '--html'; v = $true; d = 'Write a page with a sortable table and a chart' }
    )

    # Used when caora cannot be run to ask: the official codes, detail codes
    # and recipe ids at the time of writing.
    # BEGIN static codes
    $staticCodes = @(
        '001', 'FUJ001', '008', '010', '011', '015', '101', '102', '901', '905', '906',
        'FUJ008', 'FUJ905', 'FUJ906', 'FUJJP60', 'FUJJP70', 'FUJP55', '006', '016', '020', '021', '023',
        '0x03000001', '0x03000002', '0x81000008', '0x81000023', '0x02000003', '0x8100000B',
        '0x81000005', '0x04000011', '0x04000012', '0x04000013', '0x04000014', '0x04000015',
        '0x04000016', '0x04000017', '0x04000018', '0x04000019', '0x04000020', '0xF0301D1A',
        '0x81000004', '0x02000001', '0x81000001', '0x81000003', '0x81000013', '0x01000004',
        '0x81000009', '0x01000001', '0x03000006', '22013C04-2', 'xxxxC02-4', 'xxxxC02-11',
        '21700C26-2', '21200M23-F12', '21200M24-F11', '21600M63-F12', '31150M24-F12',
        'error-001', 'error-008', 'error-010', 'error-011', 'error-015', 'error-101', 'error-102',
        'error-901', 'error-905', 'error-906', 'error-fuj008', 'error-fuj905', 'error-fuj906',
        'error-fujjp60', 'error-fujjp70', 'error-fujp55',
        'faq-07', 'faq-08', 'faq-09', 'faq-10', 'faq-11', 'faq-12', 'faq-13', 'faq-17', 'faq-18', 'faq-19',
        'faq-21', 'faq-25', 'faq-26', 'faq-27', 'faq-28', 'faq-29', 'faq-30', 'faq-38', 'faq-39', 'faq-41',
        'faq-42', 'faq-43', 'faq-44', 'faq-45', 'faq-46', 'faq-47',
        'qa-01', 'qa-02', 'qa-03', 'qa-04', 'qa-05', 'qa-06', 'qa-07', 'qa-08', 'qa-09', 'qa-10', 'qa-11', 'qa-12',
        'qa-13', 'qa-14', 'qa-15', 'qa-16', 'qa-17', 'qa-18', 'qa-19', 'qa-20', 'qa-21', 'qa-22', 'qa-23', 'qa-24',
        'qa-25', 'qa-26', 'qa-27', 'qa-28', 'qa-29', 'qa-30', 'qa-31', 'qa-32', 'qa-33', 'qa-34',
        'screen-006', 'screen-016', 'screen-020', 'screen-021', 'screen-023', 'screen-card-a',
        'screen-card-b', 'screen-reg-a', 'screen-reg-e', 'screen-reg-i', 'screen-reg-u'
    )
    # END static codes

    $ticketFields = @('institution', 'contact', 'unit_serial', 'reader_software_version',
        'phenomenon', 'error_code', 'detail_code', 'occurred_at', 'log_bundle')

    # Options whose value says where the recipes and the state are: passed on
    # when caora is asked for codes or journal ids.
    $passOptions = @('--recipes', '--state-dir', '--site', '--root', '--profile')

    function Get-CaoraResult([string]$text, [string]$type, [string]$tip) {
        if (-not $tip) { $tip = $text }
        [System.Management.Automation.CompletionResult]::new($text, $text, $type, $tip)
    }

    function Select-CaoraPrefix([string]$prefix, [string[]]$candidates) {
        $candidates | Where-Object { $_.StartsWith($prefix, [System.StringComparison]::OrdinalIgnoreCase) }
    }

    function Get-CaoraPath([string]$prefix, [bool]$directoriesOnly) {
        $found = [System.Management.Automation.CompletionCompleters]::CompleteFilename($prefix)
        if ($directoriesOnly) {
            $found = $found | Where-Object { $_.ResultType -eq [System.Management.Automation.CompletionResultType]::ProviderContainer }
        }
        $found
    }

    # The complete words before the cursor, as typed (quotes removed from plain
    # strings). The word being completed ($wordToComplete) is not among them:
    # it touches the cursor, or is empty after a space.
    $words = [System.Collections.Generic.List[string]]::new()
    foreach ($element in $commandAst.CommandElements) {
        if ($element.Extent.EndOffset -ge $cursorPosition) { break }
        if ($element -is [System.Management.Automation.Language.StringConstantExpressionAst]) {
            $words.Add($element.Value)
        } else {
            $words.Add($element.Extent.Text)
        }
    }

    $valueOptions = @($options | Where-Object { $_.v } | ForEach-Object { $_.o })

    # Find the subcommand and the options to pass on.
    $sub = $null
    $positional = 0
    $pass = [System.Collections.Generic.List[string]]::new()
    for ($i = 1; $i -lt $words.Count; $i++) {
        $w = $words[$i]
        if ($w.StartsWith('-')) {
            $name = ($w -split '=', 2)[0]
            if ($w -notlike '*=*' -and $valueOptions -contains $name) {
                if ($passOptions -contains $name -and $i + 1 -lt $words.Count) {
                    $pass.Add($w); $pass.Add($words[$i + 1])
                }
                $i++
            } elseif ($passOptions -contains $name) {
                $pass.Add($w)
            }
            continue
        }
        if (-not $sub) { $sub = $w } else { $positional++ }
    }

    # The caora to ask: the one being completed if it runs, else the one on PATH.
    $caora = $null
    if ($words.Count -gt 0) {
        $caora = Get-Command -Name $words[0] -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    }
    if (-not $caora) {
        $caora = Get-Command -Name caora -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    }

    # Runs caora with --json and the options to pass on; $null when it cannot.
    function Invoke-CaoraJson([string[]]$arguments) {
        if (-not $caora) { return $null }
        $passArguments = $pass.ToArray()
        $savedEncoding = $null
        try {
            # caora writes UTF-8; Windows PowerShell would decode it with the
            # console code page (CP932 on Japanese Windows) and break the JSON.
            try {
                $savedEncoding = [Console]::OutputEncoding
                [Console]::OutputEncoding = [System.Text.Encoding]::UTF8
            } catch {
                $savedEncoding = $null
            }
            $out = & $caora.Path @passArguments --json @arguments 2>$null
            if ($out) { return ($out -join "`n") | ConvertFrom-Json }
        } catch {
        } finally {
            if ($savedEncoding) {
                try { [Console]::OutputEncoding = $savedEncoding } catch { }
            }
        }
        return $null
    }

    # The value of an option: "--opt value" or "--opt=value".
    $option = $null
    $prefix = ''
    $current = $wordToComplete
    if ($wordToComplete -like '--*=*') {
        $option = ($wordToComplete -split '=', 2)[0]
        $prefix = $option + '='
        $current = ($wordToComplete -split '=', 2)[1]
    } elseif ($words.Count -gt 1 -and $valueOptions -contains $words[$words.Count - 1]) {
        $option = $words[$words.Count - 1]
    }
    if ($option) {
        $values = $null
        switch ($option) {
            '--lang' { $values = Select-CaoraPrefix $current @('ja', 'en') }
            '--env' { $values = Select-CaoraPrefix $current @('verification', 'production', 'both') }
            '--kind' { $values = Select-CaoraPrefix $current @('error', 'screen', 'qa', 'faq') }
            '--audience' { $values = Select-CaoraPrefix $current @('patient', 'staff', 'technician', 'desk') }
            '--ticket' { $values = Select-CaoraPrefix $current ($ticketFields | ForEach-Object { "$_=" }) }
            '--answer' {
                if ($current -like '*=*') {
                    $id = ($current -split '=', 2)[0]
                    $values = Select-CaoraPrefix $current @("$id=yes", "$id=no")
                }
            }
            { $_ -in '--root', '--recipes', '--state-dir', '--models' } {
                if (-not $prefix) { return Get-CaoraPath $current $true }
            }
            { $_ -in '--profile', '--log-file', '-o', '--output', '--annotate', '--photo', '--ledger' } {
                if (-not $prefix) { return Get-CaoraPath $current $false }
            }
            '--site' {
                $values = Select-CaoraPrefix $current @('demo')
                if (-not $prefix) {
                    foreach ($value in @($values)) {
                        if ($value) { Get-CaoraResult $value 'ParameterValue' 'The built-in demo site' }
                    }
                    return Get-CaoraPath $current $false
                }
            }
        }
        foreach ($value in @($values)) {
            if ($value) { Get-CaoraResult ($prefix + $value) 'ParameterValue' $value }
        }
        return
    }

    # Options.
    if ($wordToComplete.StartsWith('-')) {
        $options | Where-Object { $_.c -eq '' -or $_.c -eq $sub } |
            Where-Object { $_.o.StartsWith($wordToComplete, [System.StringComparison]::OrdinalIgnoreCase) } |
            ForEach-Object { Get-CaoraResult $_.o 'ParameterName' $_.d }
        return
    }

    # The subcommand.
    if (-not $sub) {
        $commands.Keys | Where-Object { $_.StartsWith($wordToComplete, [System.StringComparison]::OrdinalIgnoreCase) } |
            ForEach-Object { Get-CaoraResult $_ 'ParameterValue' $commands[$_] }
        return
    }

    # Positional arguments.
    switch ($sub) {
        { $_ -in 'diagnose', 'explain' } {
            $codes = @()
            $list = Invoke-CaoraJson @('list')
            if ($list -and $list.recipes) {
                foreach ($recipe in $list.recipes) {
                    $codes += @($recipe.codes) + @($recipe.details) + @($recipe.recipe)
                }
            }
            $codes = @($codes | Where-Object { $_ } | Select-Object -Unique)
            if ($codes.Count -eq 0) { $codes = $staticCodes }
            Select-CaoraPrefix $wordToComplete $codes | ForEach-Object { Get-CaoraResult $_ 'ParameterValue' $_ }
        }
        'undo' {
            if ($positional -eq 0) {
                $history = Invoke-CaoraJson @('history')
                if ($history -and $history.entries) {
                    $history.entries | Where-Object { $_.id.StartsWith($wordToComplete) } |
                        ForEach-Object { Get-CaoraResult $_.id 'ParameterValue' "$($_.time)  $($_.action)  [$($_.state)]" }
                }
            }
        }
        'selftest' {
            # The stage, then its images (face: PROBE REFERENCE; card: IMAGE).
            if ($positional -eq 0) {
                Select-CaoraPrefix $wordToComplete @('face', 'card', 'run', 'batch') | ForEach-Object { Get-CaoraResult $_ 'ParameterValue' "The $_ stage" }
            } else {
                return Get-CaoraPath $wordToComplete $false
            }
        }
        'register' {
            if ($positional -eq 0) {
                Select-CaoraPrefix $wordToComplete @('status', 'check', 'add', 'remove', 'cert-change') | ForEach-Object { Get-CaoraResult $_ 'ParameterValue' $_ }
            }
        }
        'firmware' {
            if ($positional -eq 0) {
                Select-CaoraPrefix $wordToComplete @('status', 'refresh', 'download', 'history', 'install') | ForEach-Object { Get-CaoraResult $_ 'ParameterValue' $_ }
            } else {
                return Get-CaoraPath $wordToComplete $false
            }
        }
        'fleet' {
            if ($positional -eq 0) {
                Select-CaoraPrefix $wordToComplete @('report') | ForEach-Object { Get-CaoraResult $_ 'ParameterValue' $_ }
            } else {
                return Get-CaoraPath $wordToComplete $true
            }
        }
    }
}
