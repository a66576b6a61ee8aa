# bash completion for caora(1)                             -*- shell-script -*-
#
# Install: copy to /usr/share/bash-completion/completions/caora, or source it
# from ~/.bashrc. Needs bash 4.1 or later; works with and without the
# bash-completion package.
#
# Kept in step with the CLI by tests/e2e/test_docs_drift.py: every subcommand
# and option of `caora --dump-cli` must be here, and nothing else.

_caora_commands=(diagnose explain list doctor snapshot history undo set-startup-delay selftest pair rndis-reset discharge-guide register firmware collect-logs fleet)

# Global options work before and after the subcommand.
_caora_global_options=(
    -h --help --version --lang --json --root --site --profile --recipes
    --state-dir --yes --dry-run -v --verbose --log-file
)

# Options of each subcommand (besides the global ones).
_caora_subcommand_options()
{
    case $1 in
        diagnose) printf '%s\n' --fix --reboot --answer --ticket ;;
        list) printf '%s\n' --kind --audience --probes --actions ;;
        snapshot) printf '%s\n' -o --output ;;
        undo) printf '%s\n' --force ;;
        pair) printf '%s\n' --licences ;;
        rndis-reset) printf '%s\n' --device --timeout --reboot ;;
        discharge-guide) printf '%s\n' --device --resume --status --cancel --timeout ;;
        register) printf '%s\n' --account --reader --env --update --ledger --device --institution-code-changed --face-dll --answer --timeout --password-stdin --ask-password ;;
        firmware) printf '%s\n' --manifest-url --trust-key --cacert --component -o --output-dir --reboot --resume --allow-downgrade --timeout ;;
        fleet) printf '%s\n' --html ;;
        collect-logs) printf '%s\n' -o --output --since --include --no-redact --ticket --force --vendor --redact --with-images --timeout --deadline ;;
        set-startup-delay) printf '%s\n' --show ;;
        selftest) printf '%s\n' --threshold --models --annotate --reader --photo --force --card --capture --reference --repeat --save-baseline --baseline --report ;;
        explain | doctor | history) ;;
    esac
}

# Options that take a value (the next word, or after '=').
_caora_takes_value()
{
    case $1 in
        --lang | --root | --site | --profile | --recipes | --state-dir | --log-file) return 0 ;;
        --answer | --ticket | --kind | --audience | -o | --output) return 0 ;;
        --threshold | --models | --annotate | --reader | --photo) return 0 ;;
        --licences | --device | --timeout) return 0 ;;
        --account | --env | --ledger | --face-dll) return 0 ;;
        --manifest-url | --trust-key | --cacert | --component | --output-dir) return 0 ;;
        --html) return 0 ;;
    esac
    return 1
}

# Used when caora cannot be run to ask (e.g. not on PATH): the official codes,
# detail codes and recipe ids at the time of writing.
# BEGIN static codes
_caora_static_codes=(
    001 FUJ001 008 010 011 015 101 102 901 905 906
    FUJ008 FUJ905 FUJ906 FUJJP60 FUJJP70 FUJP55 006 016 020 021 023
    0x03000001 0x03000002 0x81000008 0x81000023 0x02000003 0x8100000B
    0x81000005 0x04000011 0x04000012 0x04000013 0x04000014 0x04000015
    0x04000016 0x04000017 0x04000018 0x04000019 0x04000020 0xF0301D1A
    0x81000004 0x02000001 0x81000001 0x81000003 0x81000013 0x01000004
    0x81000009 0x01000001 0x03000006 22013C04-2 xxxxC02-4 xxxxC02-11
    21700C26-2 21200M23-F12 21200M24-F11 21600M63-F12 31150M24-F12
    error-001 error-008 error-010 error-011 error-015 error-101 error-102
    error-901 error-905 error-906 error-fuj008 error-fuj905 error-fuj906
    error-fujjp60 error-fujjp70 error-fujp55
    faq-07 faq-08 faq-09 faq-10 faq-11 faq-12 faq-13 faq-17 faq-18 faq-19
    faq-21 faq-25 faq-26 faq-27 faq-28 faq-29 faq-30 faq-38 faq-39 faq-41
    faq-42 faq-43 faq-44 faq-45 faq-46 faq-47
    qa-01 qa-02 qa-03 qa-04 qa-05 qa-06 qa-07 qa-08 qa-09 qa-10 qa-11 qa-12
    qa-13 qa-14 qa-15 qa-16 qa-17 qa-18 qa-19 qa-20 qa-21 qa-22 qa-23 qa-24
    qa-25 qa-26 qa-27 qa-28 qa-29 qa-30 qa-31 qa-32 qa-33 qa-34
    screen-006 screen-016 screen-020 screen-021 screen-023 screen-card-a
    screen-card-b screen-reg-a screen-reg-e screen-reg-i screen-reg-u
)
# END static codes

_caora_ticket_fields=(institution contact unit_serial reader_software_version
    phenomenon error_code detail_code occurred_at log_bundle)

# The caora to ask: the one being completed if it runs, else the one on PATH.
_caora_bin()
{
    local bin=$1
    if [[ $bin == */* && -x $bin && ! -d $bin ]]; then
        printf '%s\n' "$bin"
    elif type -P -- "$bin" >/dev/null 2>&1; then
        printf '%s\n' "$bin"
    elif type -P caora >/dev/null 2>&1; then
        printf '%s\n' caora
    fi
}

# Words of `caora list --json`: every recipes[].codes, .details and .recipe.
_caora_list_codes()
{
    local bin
    bin=$(_caora_bin "$1") || return
    [[ -n $bin ]] || return
    shift
    "$bin" "$@" --json list 2>/dev/null | awk '
        /"(codes|details)": \[$/ { inlist = 1; next }
        inlist && /\]/ { inlist = 0; next }
        inlist { gsub(/^[ \t]*"|",?[ \t]*$/, ""); if (!seen[$0]++) print; next }
        /^[ \t]*"recipe": "/ { sub(/^[^:]*: "/, ""); sub(/",?[ \t]*$/, ""); if (!seen[$0]++) print }'
}

# Journal ids of `caora history --json`.
_caora_journal_ids()
{
    local bin
    bin=$(_caora_bin "$1") || return
    [[ -n $bin ]] || return
    shift
    "$bin" "$@" --json history 2>/dev/null | awk '
        /^      "id": "/ { sub(/^[^:]*: "/, ""); sub(/",?[ \t]*$/, ""); print }'
}

_caora_compreply_words()
{
    local cur=$1 word
    shift
    COMPREPLY=()
    for word in "$@"; do
        [[ $word == "$cur"* ]] && COMPREPLY+=("$word")
    done
}

_caora_complete_files()
{
    local cur=$1 dirs_only=$2
    if declare -F _filedir >/dev/null 2>&1; then
        if [[ $dirs_only == 1 ]]; then _filedir -d; else _filedir; fi
        return
    fi
    compopt -o filenames 2>/dev/null
    if [[ $dirs_only == 1 ]]; then
        mapfile -t COMPREPLY < <(compgen -d -- "$cur")
    else
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    fi
}

_caora()
{
    local cur prev
    local -a words
    local cword i word
    words=("${COMP_WORDS[@]}")
    cword=$COMP_CWORD
    cur=${words[cword]}
    prev=''
    ((cword > 0)) && prev=${words[cword - 1]}

    # "--lang=ja": bash splits at '=' (COMP_WORDBREAKS), giving --lang = ja.
    if [[ $cur == = ]]; then
        cur=
    elif [[ $prev == = ]] && ((cword > 1)); then
        prev=${words[cword - 2]}
    fi
    # "--lang=j" as one word (when '=' is not a word break): complete after '='.
    local prefix=''
    if [[ $cur == --*=* ]]; then
        prev=${cur%%=*}
        cur=${cur#*=}
        prefix=$prev=
    fi

    # Find the subcommand, and the arguments that pass through to caora when
    # it is asked for codes or journal ids.
    local sub='' npos=0
    local -a pass=()
    for ((i = 1; i < cword; i++)); do
        word=${words[i]}
        if [[ $word == = ]]; then
            continue
        fi
        if [[ ${words[i + 1]} == = ]]; then
            # --opt = value
            case $word in --recipes | --state-dir | --site | --root | --profile) pass+=("$word" "${words[i + 2]}") ;; esac
            ((i += 2))
            continue
        fi
        case $word in
            --recipes=* | --state-dir=* | --site=* | --root=* | --profile=*) pass+=("$word") ;;
        esac
        if [[ $word == -* && $word != *=* ]] && _caora_takes_value "$word"; then
            case $word in --recipes | --state-dir | --site | --root | --profile) pass+=("$word" "${words[i + 1]}") ;; esac
            ((i++))
            continue
        fi
        [[ $word == -* ]] && continue
        if [[ -z $sub ]]; then
            sub=$word
        else
            ((npos++))
        fi
    done

    # The value of an option.
    if [[ $prev == -* ]] && _caora_takes_value "$prev"; then
        case $prev in
            --lang) _caora_compreply_words "$cur" ja en ;;
            --env) _caora_compreply_words "$cur" verification production both ;;
            --ledger) _caora_complete_files "$cur" 0 ;;
            --kind) _caora_compreply_words "$cur" error screen qa faq ;;
            --audience) _caora_compreply_words "$cur" patient staff technician desk ;;
            --root | --recipes | --state-dir | --models) _caora_complete_files "$cur" 1 ;;
            --profile | --log-file | -o | --output | --annotate | --photo) _caora_complete_files "$cur" 0 ;;
            --site)
                _caora_complete_files "$cur" 0
                [[ demo == "$cur"* ]] && COMPREPLY+=(demo)
                ;;
            --ticket)
                local -a fields=()
                for word in "${_caora_ticket_fields[@]}"; do fields+=("$word="); done
                _caora_compreply_words "$cur" "${fields[@]}"
                compopt -o nospace 2>/dev/null
                ;;
            --answer)
                # ID=yes|no: the ids are shown by `caora explain CODE`.
                COMPREPLY=()
                if [[ $cur == *=* ]]; then
                    _caora_compreply_words "${cur#*=}" yes no
                    local j
                    for j in "${!COMPREPLY[@]}"; do COMPREPLY[j]=${cur%%=*}=${COMPREPLY[j]}; done
                fi
                ;;
            *) COMPREPLY=() ;;
        esac
        if [[ -n $prefix ]]; then
            local k
            for k in "${!COMPREPLY[@]}"; do COMPREPLY[k]=$prefix${COMPREPLY[k]}; done
        fi
        return 0
    fi

    # Options.
    if [[ $cur == -* ]]; then
        local -a opts=("${_caora_global_options[@]}")
        if [[ -n $sub ]]; then
            local -a subopts
            mapfile -t subopts < <(_caora_subcommand_options "$sub")
            opts+=("${subopts[@]}")
        fi
        _caora_compreply_words "$cur" "${opts[@]}"
        return 0
    fi

    # The subcommand.
    if [[ -z $sub ]]; then
        _caora_compreply_words "$cur" "${_caora_commands[@]}"
        return 0
    fi

    # Positional arguments.
    case $sub in
        diagnose | explain)
            local -a codes
            mapfile -t codes < <(_caora_list_codes "${words[0]}" "${pass[@]}")
            ((${#codes[@]})) || codes=("${_caora_static_codes[@]}")
            _caora_compreply_words "$cur" "${codes[@]}"
            ;;
        undo)
            if ((npos == 0)); then
                local -a ids
                mapfile -t ids < <(_caora_journal_ids "${words[0]}" "${pass[@]}")
                _caora_compreply_words "$cur" "${ids[@]}"
            fi
            ;;
        selftest)
            # The stage, then its images (face: PROBE REFERENCE; card: IMAGE; run: options only).
            if ((npos == 0)); then
                _caora_compreply_words "$cur" face card run batch
            else
                _caora_complete_files "$cur" 0
            fi
            ;;
        register)
            ((npos == 0)) && _caora_compreply_words "$cur" status check add remove cert-change
            ;;
        firmware)
            if ((npos == 0)); then
                _caora_compreply_words "$cur" status refresh download history install
            else
                _caora_complete_files "$cur" 0
            fi
            ;;
        fleet)
            # report, then the results folder.
            if ((npos == 0)); then
                _caora_compreply_words "$cur" report
            else
                _caora_complete_files "$cur" 1
            fi
            ;;
        *) COMPREPLY=() ;;
    esac
    return 0
}

complete -F _caora caora caora.exe
