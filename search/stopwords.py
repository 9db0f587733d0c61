"""Arshif's own stop lists (French, English, Arabic), written for this project.

Why these words: they carry no topic in an archive query ("quel est le rôle de …", "ما هي …"),
they are in most documents, and dropping them both shrinks the index and stops them from
out-weighing the content words of an any-word query. Content words that look functional in an
administrative archive (e.g. "plan", "programme", "عام") are deliberately NOT here.

The French and English lists are matched on lower-cased, elided tokens *before* accent folding;
every entry is also added without its accents so "ou"/"où", "etre"/"être" are both caught.
The Arabic list is matched *after* letter folding (أ→ا, ى→ي, ة→ه), so it is written in folded form.
"""
from __future__ import annotations

from search.normalize import fold_arabic, fold_latin

_FRENCH = """
a à â afin ai aie aient ait as au aucun aucune auquel aussi autre autres aux auxquels auxquelles
avaient avais avait avant avec avez aviez avions avoir avons ayant c ça car ce ceci cela celle
celles celui cependant certains certaines ces cet cette ceux chacun chacune chaque chez ci comme
comment contre d dans de depuis des desquels desquelles dès donc dont du duquel durant elle elles
en encore entre es est et étaient étais était étant êtes étiez étions être eu eue eues eurent eus
eut eux fait faites fut furent fûmes ici il ils j je jusque l la laquelle le lequel les lesquels
lesquelles leur leurs lors lorsque lui m ma mais me même mêmes mes moi mon n ne ni nos notre nous
on ont or où ou par parce pas pendant peu peut plus plutôt pour pourquoi puis qu quand que quel
quelle quelles quels qui quoi s sa sans se selon sera seraient serait seront ses si sien sienne
soi soient soit sommes son sont sous suis sur t ta te tel telle tels telles tes toi ton tous tout
toute toutes très tu un une unes uns vers via voici voilà vos votre vous y
"""

_ENGLISH = """
a about above after again against all am an and any are as at be because been before being below
between both but by can could did do does doing done down during each either else ever every few
for from further had has have having he her here hers herself him himself his how i if in into is
it its itself just may me might more most much must my myself neither no nor not of off on once
only or other our ours ourselves out over own same shall she should so some such than that the
their theirs them themselves then there these they this those through thus to too under until up
upon us very was we were what when where whether which while who whom whose why will with would
yet you your yours yourself yourselves
"""

# Folded Arabic (أإآ→ا, ى→ي, ة→ه): particles, pronouns, demonstratives, relatives, question words,
# auxiliaries, common clitic+particle forms, and the lone letters left by spaced-out proclitics.
_ARABIC = """
و ف ب ل ك ا ال ان او ام اما اذا اذ اذن الا الي الى الذي الذين التي اللتي اللتان اللتين اللذان
اللذين اللاتي اللواتي اي ايضا اين انا انت انتم انتما انتن انه انها انهم اني ب بعد بعض بل بما
بماذا بين به بها بهم بهذا بهذه تحت تلك تم ثم حتي حيث حين خلال دون ذا ذات ذلك ذو ذي عبر عدم عليه
عليها عليهم علي عن عند عندما غير فان فقد فهو فهي في فيه فيها فيما قبل قد كان كانت كانوا كل كلا
كما كيف كم كذلك لا لان لدي لذا لذلك لقد لكن لكنه لم لما لماذا لن له لها لهم لو ليس ليست مع ما
ماذا ماهو ماهي متي مثل مع من منذ منه منها مما ممن نحن نحو هذا هذه هذان هذين هؤلاء هاولاء هل هم
هما هن هنا هناك هو هي وان وبعد وفي ومن وعلي والي وعن ومع وهو وهي وقد ولا ولم ولكن وما وكان وكانت
وهذا وهذه وذلك وكل وهم يكون تكون يمكن
"""


def _latin(words: str) -> frozenset[str]:
    base = set(words.split())
    return frozenset(base | {fold_latin(w) for w in base})


FRENCH_STOP: frozenset[str] = _latin(_FRENCH)
ENGLISH_STOP: frozenset[str] = _latin(_ENGLISH)
ARABIC_STOP: frozenset[str] = frozenset(fold_arabic(w) for w in _ARABIC.split())
LATIN_STOP: dict[str, frozenset[str]] = {"fr": FRENCH_STOP, "en": ENGLISH_STOP}
