package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

const completionUsage = `Usage: trithuc completion bash|zsh

Prints a script that completes trithuc's commands, collections, verbs and
flags in the shell. Load it from your shell's start-up file:

  bash:  source <(trithuc completion bash)        (in ~/.bashrc)
  zsh:   source <(trithuc completion zsh)         (in ~/.zshrc, after compinit)

The script asks trithuc itself for the words (trithuc __complete), so it
stays right as the contract grows.
`

// The scripts hand the words typed so far to `trithuc __complete`, which
// answers one candidate a line.
const bashCompletion = `# bash completion for trithuc
_trithuc() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  COMPREPLY=($(compgen -W "$(trithuc __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)" -- "$cur"))
}
complete -o default -F _trithuc trithuc
`

const zshCompletion = `#compdef trithuc
# zsh completion for trithuc
_trithuc() {
  local -a words_
  words_=(${(f)"$(trithuc __complete "${(@)words[2,CURRENT]}" 2>/dev/null)"})
  _describe 'trithuc' words_ || _files
}
compdef _trithuc trithuc
`

func runCompletion(args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		fmt.Fprint(stderr, completionUsage)
		return usageError("completion: say bash or zsh")
	}
	switch args[0] {
	case "bash":
		fmt.Fprint(stdout, bashCompletion)
	case "zsh":
		fmt.Fprint(stdout, zshCompletion)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, completionUsage)
	default:
		return usageError(fmt.Sprintf("completion: unknown shell %q; bash or zsh", args[0]))
	}
	return nil
}

// complete answers the words that may follow args, whose last element is
// the word being typed (maybe empty).
func complete(args []string) []string {
	if len(args) == 0 {
		args = []string{""}
	}
	var out []string
	cur := args[len(args)-1]
	switch {
	case len(args) == 1:
		for name := range adminCommands {
			out = append(out, name)
		}
		for name, c := range collections {
			if len(c.verbNames()) > 0 {
				out = append(out, name)
			}
		}
	case strings.HasPrefix(cur, "-"):
		fs := flagsOf(args[:len(args)-1])
		if fs != nil {
			fs.VisitAll(func(f *flag.Flag) { out = append(out, "--"+f.Name) })
		}
	case len(args) == 2:
		if c := collections[args[0]]; c != nil {
			out = c.verbNames()
		} else {
			out = adminCommands[args[0]].verbs
		}
	}
	sort.Strings(out)
	var match []string
	for _, w := range out {
		if strings.HasPrefix(w, cur) {
			match = append(match, w)
		}
	}
	return match
}

// flagsOf is the flag set of the command that words start: an API verb's,
// or an admin command's from the same code that parses them.
func flagsOf(words []string) *flag.FlagSet {
	if len(words) == 0 {
		return nil
	}
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	if c := collections[words[0]]; c != nil {
		if len(words) < 2 || c.verbs[words[1]] == nil {
			return nil
		}
		v := c.verbs[words[1]]
		if v.method.FullName() == importPeople {
			// people import is import people.
			words = []string{"import", "people"}
		} else {
			verbFlags(fs, v)
			return fs
		}
	}
	cmd, ok := adminCommands[words[0]]
	if !ok || cmd.flags == nil {
		return nil
	}
	verb := ""
	if len(words) >= 2 && slices.Contains(cmd.verbs, words[1]) {
		verb = words[1]
	}
	if !cmd.flags(fs, verb) {
		return nil
	}
	return fs
}
