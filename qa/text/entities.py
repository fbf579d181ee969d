"""Cheap entity spotting for answering and follow-ups: people, places, dates and numbers.

Everything here is regexes and small lexicons, so it runs in well under a millisecond per
sentence. Names come from runs of capitalised words (``Jean-Yves Le Drian``, ``Abu Bakr
al-Baghdadi``, ``George W. Bush``); a run ends at a possessive (``Russia's Sergei Lavrov``
gives ``Russia`` and ``Sergei Lavrov``). Each run is classed as a person, place, organisation
or other thing from lexicons of first names, titles, places and organisation words.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = [
    "COMMON", "DateMention", "Entity", "Role", "affiliations", "country_key", "find_dates",
    "find_entities", "find_numbers", "find_people", "format_day", "format_period", "full_name",
    "gender_of", "is_place", "person_roles", "place_class",
]

# --------------------------------------------------------------------------- lexicons


def _words(s: str) -> frozenset[str]:
    return frozenset(w.lower() for w in s.split())


FEMALE = _words("""
mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa betty
margaret sandra ashley kimberly emily donna michelle carol amanda melissa deborah stephanie
rebecca laura sharon cynthia kathleen amy angela shirley anna ann anne brenda pamela emma
nicole helen samantha katherine kate christine debra rachel carolyn janet catherine maria
heather diane ruth julie olivia joyce virginia victoria kelly lauren christina joan evelyn
judith megan andrea cheryl hannah jacqueline martha gloria teresa theresa sara madison frances
kathryn janice abigail alice judy sophia sophie grace denise amber doris marilyn danielle
beverly isabella diana natalie brittany brittney charlotte marie kayla alexis lori hillary
kamala ursula jacinda nicola liz elisabeth marine ségolène segolene florence christiane sanna
mette giorgia annalena ilhan alexandria nikki kirsten tulsi dianne greta malala serena venus
simone naomi beyoncé beyonce rihanna adele oprah meghan kourtney khloe kylie britney madonna
ketanji sonia elena condoleezza madeleine melania jill ivanka kellyanne karine jen gina
marjorie kyrsten tammy debbie gretchen kathy kristi kay maura mazie tina patty jeanne maggie
ayanna rashida pramila katie abby lucy chloe zoe mia ava ella lily jane julia valerie yulia
svetlana olga natalia natalya tatiana tatyana irina oksana iryna olena yelena marina ludmila
lyudmila valentina galina anastasia ekaterina yekaterina maria sabine angelika katarina
ingrid birgit ulrike françoise francoise isabelle nathalie valérie sylvie martine agnès
agnes brigitte carla giulia francesca chiara paola carmen lucia isabel cristina fernanda
dilma benazir indira yingluck priyanka nirmala smriti mamata mayawati aisha fatima leila
layla yasmin hina maryam rania shirin golda tzipi ayelet mai yuko yuriko sanae kyoko akie
carrie lauren liza nina vera eva ana anne-marie marie-france ruth-ann jodie jody kristen
kristin kirstie penny penelope priti suella theresa-may andrea-lea harriet tess ellen
whitney janelle jenna kendall kelsey cate keira nadia nadine noor salma zainab amira
mariam sandra ana-maria inger erna frederiksen rosa lina léa lea camille manon chantal
greta ilse heidi petra eleni katerina zuzana kaja kristalina ngozi mia mira dolly cher
shakira lizzo taylor-swift billie ariana selena demi miley halle gal scarlett zendaya
""")

MALE = _words("""
james robert john michael william david richard joseph thomas charles christopher daniel
matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy
ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin
scott brandon benjamin samuel gregory alexander frank patrick raymond jack dennis jerry
tyler aaron jose josé adam nathan henry douglas zachary peter kyle ethan walter noah jeremy
christian keith roger terry gerald harold sean austin carl arthur lawrence dylan jesse bryan
billy joe bruce gabriel logan albert willie alan juan wayne elijah randy roy vincent ralph
eugene russell bobby mason philip louis bill bob rob tom tim jim mike dave dan don ted ben
nick barack vladimir sergei sergey dmitry dmitri alexei alexey aleksandr aleksei mikhail
yevgeny evgeny yuri igor ivan nikolai nikolay viktor oleg andrei andriy volodymyr petro
vitali vitaliy dmytro oleksiy oleksii mykhailo emmanuel françois francois nicolas jacques
pierre jean-yves jean-luc jean-claude jean-marc jean-pierre jean-michel jean-paul jean-marie
bruno édouard edouard gérald olaf boris rishi keir gordon tony jinping mitch chuck bernie
pete beto rand marco josh mitt ron elon jeff warren steve sundar satya jensen narendra rahul
imran shehbaz nawaz recep tayyip naftali yair mahmoud bashar ali hassan hossein mohammed
muhammad mohamed mohammad ahmed ahmad abdel abdullah salman khalid omar ibrahim yusuf
shinzo fumio yoshihide jair luiz lula andrés andres manuel gustavo pedro alberto mario
matteo giuseppe sergio silvio mateusz andrzej jens stefan karl frank-walter wolfgang heiko
friedrich markus gerhard helmut kurt sebastian klaus lebron kobe rafael novak lionel
cristiano kylian neymar tiger elvis kanye harry hunter beau jared eric kellen liam oliver
lucas leo hugo felix max maximilian jonas lukas niklas tobias jan piotr pawel tomasz
alexis volker olaf-scholz antony antonio anthony-blinken lloyd merrick xavier ashton rudy
rudolph hakeem kwame cyril jacob-zuma uhuru william-ruto yoweri paul-kagame abiy muhammadu
bola goodluck nana macky alassane ashraf hamid ashraf-ghani ismail hamad tamim mohammed-bin
recep-erdogan kemal mustafa ayatollah ebrahim hassan-rouhani javad hossein-amir benny
yitzhak ehud shimon ariel menachem avigdor gideon reuven isaac moshe yoav bibi abe
kishida suga shigeru taro koichi moon yoon-suk suk-yeol jae-in tsai-ing lai chiang
justin-trudeau chrystia jagmeet mélenchon melenchon marine-le eric-zemmour gérard gerard
laurent gabriel-attal édouard-philippe sébastien sebastien thierry yves christophe
philippe didier olivier romain julien maxime antoine guillaume arnaud vincent-bolloré
""")

NEUTRAL_FIRST = _words("""
jean kim chris alex taylor jordan morgan jamie sam pat robin aung tsai park lee casey
drew kerry leslie lindsey lindsay dana ashley sasha jody jackie terry carmen andrea
""")

TITLES: dict[str, str] = {
    # title word -> gender it implies ("" for none)
    "president": "", "vice": "", "prime": "", "minister": "", "secretary": "", "senator": "",
    "sen.": "", "sen": "", "rep.": "", "rep": "", "representative": "", "congressman": "m",
    "congresswoman": "f", "gov.": "", "governor": "", "mayor": "", "mr": "m", "mr.": "m",
    "mrs": "f", "mrs.": "f", "ms": "f", "ms.": "f", "miss": "f", "madam": "f", "madame": "f",
    "dr": "", "dr.": "", "prof.": "", "professor": "", "king": "m", "queen": "f", "prince": "m",
    "princess": "f", "duke": "m", "duchess": "f", "sir": "m", "dame": "f", "lord": "m",
    "lady": "f", "pope": "m", "judge": "", "justice": "", "chancellor": "", "general": "",
    "gen.": "", "gen": "", "lt.": "", "col.": "", "colonel": "", "sgt.": "", "sergeant": "",
    "captain": "", "capt.": "", "admiral": "", "commander": "", "ambassador": "",
    "chairman": "m", "chairwoman": "f", "chair": "", "ceo": "", "coach": "", "rev.": "",
    "reverend": "", "father": "m", "sister": "f", "brother": "m", "sheikh": "m", "emir": "m",
    "crown": "", "speaker": "", "leader": "", "director": "", "officer": "", "agent": "",
    "attorney": "", "foreign": "", "defense": "", "defence": "", "interior": "", "finance": "",
    "deputy": "", "state": "", "chief": "", "spokesman": "m", "spokeswoman": "f",
    "spokesperson": "", "actor": "m", "actress": "f", "singer": "", "star": "", "rapper": "",
    "comedian": "", "host": "", "founder": "", "billionaire": "", "investor": "", "author": "",
    "premier": "", "ayatollah": "m", "archbishop": "m", "bishop": "m", "cardinal": "m",
    "rabbi": "", "imam": "m", "rt.": "", "hon.": "", "mp": "", "mep": "", "gop": "",
}

# first words of a title run that are also ordinary words, so only count before a name
_TITLE_ONLY_BEFORE_NAME = frozenset({"state", "foreign", "defense", "defence", "interior",
                                     "finance", "deputy", "chief", "vice", "prime", "crown",
                                     "star", "host", "leader", "father", "sister", "brother"})

COUNTRIES = """
afghanistan albania algeria andorra angola argentina armenia australia austria azerbaijan
bahamas bahrain bangladesh barbados belarus belgium belize benin bhutan bolivia bosnia
botswana brazil brunei bulgaria burkina burundi cambodia cameroon canada chad chile china
colombia comoros congo croatia cuba cyprus czechia czech denmark djibouti dominica ecuador
egypt eritrea estonia eswatini ethiopia fiji finland france gabon gambia georgia germany
ghana greece grenada guatemala guinea guyana haiti honduras hungary iceland india indonesia
iran iraq ireland israel italy jamaica japan jordan kazakhstan kenya kiribati kosovo kuwait
kyrgyzstan laos latvia lebanon lesotho liberia libya liechtenstein lithuania luxembourg
madagascar malawi malaysia maldives mali malta mauritania mauritius mexico micronesia
moldova monaco mongolia montenegro morocco mozambique myanmar burma namibia nauru nepal
netherlands holland nicaragua niger nigeria macedonia norway oman pakistan palau palestine
panama paraguay peru philippines poland portugal qatar romania russia rwanda samoa
senegal serbia seychelles singapore slovakia slovenia somalia spain sudan suriname sweden
switzerland syria taiwan tajikistan tanzania thailand togo tonga tunisia turkey türkiye
turkmenistan tuvalu uganda ukraine uruguay uzbekistan vanuatu vatican venezuela vietnam
yemen zambia zimbabwe britain england scotland wales america usa us u.s. uk u.k. eu u.s.a.
"""

MULTIWORD_PLACES = [
    "united states", "united kingdom", "united arab emirates", "saudi arabia", "south korea",
    "north korea", "south africa", "new zealand", "sri lanka", "costa rica", "el salvador",
    "dominican republic", "czech republic", "central african republic", "ivory coast",
    "east timor", "papua new guinea", "sierra leone", "south sudan", "puerto rico",
    "hong kong", "new york", "new jersey", "new mexico", "new hampshire", "new orleans",
    "new delhi", "los angeles", "san francisco", "san diego", "san antonio", "san jose",
    "las vegas", "north carolina", "south carolina", "north dakota", "south dakota",
    "west virginia", "rhode island", "washington dc", "washington d.c.", "tel aviv",
    "abu dhabi", "buenos aires", "rio de janeiro", "sao paulo", "são paulo", "mexico city",
    "kuala lumpur", "middle east", "latin america", "south america", "north america",
    "central america", "eastern europe", "western europe", "southeast asia", "east asia",
    "west bank", "gaza strip", "crimean peninsula", "black sea", "baltic sea", "south china sea",
    "persian gulf", "gulf of mexico", "red sea", "asia-pacific", "indo-pacific", "st. louis",
    "salt lake city", "kansas city", "oklahoma city", "el paso", "fort worth", "st. petersburg",
    "saint petersburg", "great britain", "northern ireland", "bay area", "silicon valley",
    "wall street", "capitol hill", "downing street", "red square", "times square",
]

CITIES_REGIONS = """
alabama alaska arizona arkansas california colorado connecticut delaware florida hawaii
idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan
minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon pennsylvania
tennessee texas utah vermont virginia washington wisconsin wyoming
moscow paris london berlin rome madrid kyiv kiev beijing shanghai tokyo seoul pyongyang
delhi mumbai karachi lahore islamabad kabul tehran baghdad damascus beirut amman jerusalem
cairo riyadh dubai doha ankara istanbul athens vienna warsaw prague budapest bucharest sofia
belgrade zagreb brussels amsterdam geneva zurich bern stockholm oslo helsinki copenhagen
dublin lisbon minsk vilnius riga tallinn tbilisi yerevan baku tashkent almaty astana
ottawa toronto montreal vancouver chicago boston philadelphia houston dallas austin miami
atlanta seattle denver phoenix detroit baltimore nashville portland minneapolis pittsburgh
cleveland sacramento orlando tampa charlotte richmond albany brooklyn manhattan queens bronx
mexico bogota bogotá lima santiago caracas havana brasilia brasília montevideo quito
nairobi lagos abuja johannesburg pretoria addis ababa khartoum kampala kinshasa dakar accra
sydney melbourne canberra brisbane perth auckland wellington singapore jakarta manila
bangkok hanoi taipei kolkata chennai bangalore bengaluru dhaka kathmandu colombo
crimea donbas donbass donetsk luhansk mariupol kharkiv odesa odessa kherson zaporizhzhia
bakhmut lviv kherson gaza kashmir tibet xinjiang chechnya siberia kurdistan balkans
sahara sahel europe asia africa oceania antarctica arctic caribbean scandinavia
yellowstone alps himalayas amazon mediterranean atlantic pacific normandy
greenland bavaria catalonia andalusia quebec ontario alberta sichuan wuhan guangdong
hokkaido okinawa kyoto osaka uvalde buffalo highland
"""

NATIONALITIES = _words("""
american british english french german russian ukrainian chinese japanese korean indian
pakistani iranian iraqi syrian israeli palestinian saudi turkish egyptian italian spanish
portuguese dutch belgian swiss austrian polish czech hungarian romanian bulgarian greek
swedish norwegian danish finnish irish scottish welsh canadian mexican brazilian argentine
argentinian colombian venezuelan cuban chilean peruvian australian african nigerian kenyan
ethiopian afghan belarusian georgian armenian european asian arab kurdish taiwanese
vietnamese thai indonesian filipino malaysian serbian croatian bosnian albanian lebanese
jordanian yemeni libyan tunisian moroccan algerian sudanese somali qatari emirati kuwaiti
fijian haitian jamaican western eastern soviet russian-backed pro-russian latino hispanic
muslim christian jewish catholic democrat democrats republican republicans democratic
""")

PLACE_HEADS = _words("""
park river lake mountain mountains mount island islands beach bay valley county province
state city town village street avenue road square bridge airport station port harbour
harbor canal desert forest peninsula coast sea ocean gulf strait region district
territory oblast kingdom republic heights falls canyon plains hills springs
""")

ORG_WORDS = _words("""
ministry party union council committee agency department bank inc inc. corp corp. co co.
company companies corporation university college school academy court congress senate house
parliament assembly army navy police government commission organization organisation
association federation foundation institute group airlines airways times post news network
club league office service services fund center centre hospital church palace kremlin
pentagon nato un eu who imf fbi cia nasa opec bureau board administration authority
guard forces force reserve exchange motors technologies systems labs media press tribune
journal herald gazette telegraph guardian broadcasting studios records entertainment
pictures games olympics cup awards award prize festival championship championships
tournament series open tour finals final conference summit treaty act bill accord
agreement program programme project initiative movement brigade battalion regiment
fc united city rovers wanderers athletic hotspur
""")

# words that start sentences or headlines with a capital but name nothing
COMMON = _words("""
a an the and or but if then so yet nor for of in on at by to from with without into onto
upon about above below after before during since until while when where why how what which
who whom whose that this these those there here it its it's he she they we you i me him her
them us our your their his my mine is are was were be been being do does did has have had
will would shall should can could may might must not no yes all any some many most much
more less few several both each every other another such same own only just also still
even however meanwhile earlier later now today yesterday tomorrow tonight last next first
second third new old according although though despite because as than once ahead among
between within across along around against toward towards through via per like unlike
one two three four five six seven eight nine ten dozens hundreds thousands millions
mr mrs ms dr its let lets here's there's that's what's who's please read watch see more
photo photos video getty reuters ap afp cnn bbc image images file advertisement related
sign subscribe click share follow editor note update updated breaking live opinion
analysis exclusive story news report reports said says told according
""")

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS.update({"sept": 9})
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}

_PLACES_1 = frozenset(COUNTRIES.split()) | frozenset(CITIES_REGIONS.split())
_PLACES_N = frozenset(MULTIWORD_PLACES)
_PARTICLES = frozenset({"de", "da", "do", "dos", "das", "di", "del", "della", "der", "den",
                        "van", "von", "le", "la", "du", "des", "bin", "ibn", "al", "el", "ter",
                        "ten", "y", "st.", "bint", "abu", "ben"})
_OF_HEADS = ORG_WORDS | PLACE_HEADS | frozenset({"secretary", "minister", "gulf", "isle",
                                                  "republic", "kingdom", "state", "states",
                                                  "museum", "bank", "sea", "city", "duke",
                                                  "prince", "princess", "king", "queen"})
_AUX = frozenset({"did", "does", "do", "will", "would", "can", "could", "should", "has",
                  "had", "was", "is"})
_SAY_VERBS = frozenset({"say", "tell", "said", "says", "told", "added", "wrote", "tweeted", "argued",
                        "explained", "insisted", "noted", "stated", "announced", "warned",
                        "asked", "replied", "declared", "claimed", "confirmed", "urged"})

# --------------------------------------------------------------------------- tokens

_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}"                                       # U.S., U.K.
    r"|[A-Z]\.(?=\s)"                                        # initial: George W. Bush
    r"|(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Rev|Prof|St|Jr|Sr)\.(?=\s)"
    r"|\w+(?:[-'’]\w+)*(?:['’]s\b)?"                         # words, hyphens, O'Brien, possessive
    r"|\S", re.UNICODE)


@dataclass(frozen=True)
class _Tok:
    text: str
    start: int
    end: int

    @property
    def cap(self) -> bool:
        t = self.text
        if not t[0].isalpha():
            return False
        if t[0].isupper():
            return True
        # al-Assad, el-Sisi, bin-Salman: a lowercase particle then a capital
        head, _, tail = t.partition("-")
        return bool(tail) and head in _PARTICLES and tail[:1].isupper()

    @property
    def possessive(self) -> bool:
        return len(self.text) > 2 and self.text[-2:] in ("'s", "’s")


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _sentence_start(toks: list[_Tok], i: int, text: str) -> bool:
    if i == 0:
        return True
    prev = toks[i - 1].text
    if prev in {".", "!", "?", ":", ";", "\"", "“", "‘", "'", "(", "—", "–", "-"}:
        return True
    gap = text[toks[i - 1].end:toks[i].start]
    return "\n" in gap


# --------------------------------------------------------------------------- entities


@dataclass(frozen=True)
class Entity:
    """A named thing found in text.

    Attributes:
        text: The name as written, without titles or a possessive ``'s``.
        kind: ``PERSON``, ``PLACE``, ``ORG``, ``NORP`` (nationality, group) or ``OTHER``.
        start: Offset of ``text`` in the searched text.
        end: End offset of ``text``.
        gender: ``"f"``, ``"m"`` or ``""`` (unknown), for people.
        strong: True when the class rests on a lexicon or title, not on shape alone.
    """

    text: str
    kind: str
    start: int
    end: int
    gender: str = ""
    strong: bool = False

    @property
    def last(self) -> str:
        """The last word (a person's surname)."""
        return self.text.split()[-1]


def _runs(text: str) -> list[tuple[list[_Tok], bool, str, str]]:
    """Runs of capitalised tokens: (tokens, starts a sentence, word after, word before)."""
    toks = _tokens(text)
    out: list[tuple[list[_Tok], bool, str, str]] = []
    i, n = 0, len(toks)
    while i < n:
        t = toks[i]
        if not t.cap:
            i += 1
            continue
        run = [t]
        starts = _sentence_start(toks, i, text)
        j = i + 1
        while j < n and not run[-1].possessive:
            nxt = toks[j]
            gap = text[run[-1].end:nxt.start]
            if "\n" in gap or len(gap) > 1:
                break
            if nxt.cap:
                run.append(nxt)
                j += 1
                continue
            low = nxt.text.lower()
            # particles inside a name: "Le Drian" handled as caps; "Ursula von der Leyen"
            k = j
            while k < n and toks[k].text.lower() in _PARTICLES and not toks[k].cap:
                k += 1
            if k > j and k < n and toks[k].cap and len(run) >= 1 and \
                    run[-1].text.lower() not in COMMON:
                run.extend(toks[j:k + 1])
                j = k + 1
                continue
            # "Bank of England", "Gulf of Mexico", "Democratic Republic of the Congo"
            if low == "of" and run[-1].text.lower() in _OF_HEADS and j + 1 < n:
                k = j + 1
                if toks[k].text.lower() == "the" and k + 1 < n:
                    k += 1
                if toks[k].cap:
                    run.extend(toks[j:k + 1])
                    j = k + 1
                    continue
            break
        after = toks[j].text if j < n else ""
        before = toks[i - 1].text if i > 0 else ""
        out.append((run, starts, after, before))
        i = j
    return out


def _strip_possessive(tok: _Tok) -> tuple[str, int]:
    if tok.possessive:
        return tok.text[:-2], tok.end - 2
    return tok.text, tok.end


def gender_of(name: str) -> str:
    """``"f"`` or ``"m"`` when the first name (or a title in ``name``) says so, else ``""``."""
    words = name.replace(".", ". ").split()
    for w in words:
        g = TITLES.get(w.lower())
        if g:
            return g
    for w in words:
        lw = w.lower().strip(".,")
        if lw in TITLES or lw in _PARTICLES:
            continue
        if lw in FEMALE:
            return "f"
        if lw in MALE:
            return "m"
        head = lw.split("-")[0]
        if "-" in lw and head in {"jean", "marie"}:
            return "m" if head == "jean" else "f"
        if head in FEMALE:
            return "f"
        if head in MALE:
            return "m"
        return ""
    return ""


def _is_first_name(w: str) -> bool:
    lw = w.lower()
    if lw in FEMALE or lw in MALE or lw in NEUTRAL_FIRST:
        return True
    head = lw.split("-")[0]
    return "-" in lw and (head in FEMALE or head in MALE or head in NEUTRAL_FIRST)


def is_place(name: str) -> bool:
    """True when ``name`` is a known country, region, city or US state."""
    low = name.lower().strip()
    if low.startswith("the "):
        low = low[4:]
    if low in _PLACES_N or low in _PLACES_1:
        return True
    words = low.split()
    if len(words) > 1 and words[0] in {"eastern", "western", "northern", "southern",
                                       "central", "north", "south", "east", "west"}:
        return is_place(" ".join(words[1:]))
    return False


def _classify(words: list[str], titled: str | None, after: str, starts: bool) -> tuple[str, bool]:
    """Return (kind, strong) for a run of capitalised words (titles already removed)."""
    low = [w.lower() for w in words]
    joined = " ".join(low)
    if all(w in MONTHS or w in WEEKDAYS for w in low):
        return "OTHER", True
    if is_place(joined):
        return "PLACE", True
    if len(low) == 1 and low[0] in NATIONALITIES:
        return "NORP", True
    if any(w in ORG_WORDS for w in low) and not (
            2 <= len(words) <= 3 and _is_first_name(words[0]) and
            not any(w in ORG_WORDS for w in low[1:])):  # "Bill Cosby" is no bill
        return "ORG", True
    if len(words) == 1 and words[0].isupper() and len(words[0]) > 1:
        return "ORG", True  # an acronym: TASS, NATO
    if low[-1] in PLACE_HEADS and not titled:
        return "PLACE", True
    if titled is not None:
        return "PERSON", True
    if any(w in COMMON for w in low) or any(w in MONTHS or w in WEEKDAYS for w in low):
        return "OTHER", False
    if any(w in _PLACES_1 or w in NATIONALITIES for w in low) and not _is_first_name(words[0]):
        return "OTHER", False
    if _is_first_name(words[0]) and 2 <= len(words) <= 5:
        return "PERSON", True
    if 2 <= len(words) <= 4:
        return "PERSON", after.lower() in _SAY_VERBS
    if len(words) == 1 and after.lower() in _SAY_VERBS:
        return "PERSON", False
    return "OTHER", False


def find_entities(text: str) -> list[Entity]:
    """Every capitalised name in ``text``, classed, in order of appearance.

    A single word that is the surname of a person named in full elsewhere in ``text``
    (``Parly`` after ``Florence Parly``) is a person too.
    """
    raw: list[Entity] = []
    for run, starts, after, before in _runs(text):
        # drop sentence-initial function words ("But Macron said"), keep the rest
        while run and run[0].text.lower() in COMMON and not run[0].possessive:
            run = run[1:]
        if not run:
            continue
        # leading titles: "French President Emmanuel Macron", "Foreign Minister Sergei Lavrov"
        titled: str | None = None
        k = 0
        while k < len(run) - 1 and not run[k].possessive and (
                run[k].text.lower() in TITLES or run[k].text.lower() in NATIONALITIES
                or (k > 0 and run[k].text.lower() in {"of", "the"})):
            if run[k].text.lower() in TITLES and \
                    run[k].text.lower() not in _TITLE_ONLY_BEFORE_NAME:
                titled = run[k].text
            k += 1
        rest = run[k:] if titled is not None else run
        if not rest:
            continue
        words = [t.text for t in rest]
        last_text, last_end = _strip_possessive(rest[-1])
        words[-1] = last_text
        if not last_text:
            continue
        kind, strong = _classify(words, titled, after, starts)
        if kind == "OTHER" and not strong and len(words) <= 3 and before.lower() in _AUX and \
                after[:1].islower() and after.lower() not in COMMON:
            kind = "PERSON"  # "What did Parly tell TASS?"
        if kind in {"OTHER", "PLACE", "NORP", "ORG"} and titled is None and len(rest) > 1 \
                and is_place(words[0]) and not is_place(" ".join(words)):
            # "Moscow Mayor" / "France Parly": split off a leading place and classify the rest
            sub, sub_strong = _classify(words[1:], None, after, False)
            raw.append(Entity(words[0], "PLACE", rest[0].start, rest[0].end, strong=True))
            if sub != "OTHER":
                raw.append(Entity(text[rest[1].start:last_end], sub, rest[1].start,
                                  last_end, strong=sub_strong))
            continue
        start = rest[0].start
        name = text[start:last_end]
        gender = gender_of((titled + " " if titled else "") + name) if kind == "PERSON" else ""
        raw.append(Entity(name, kind, start, last_end, gender, strong))
    # surnames and partial names of people named in full
    full = [e for e in raw if e.kind == "PERSON" and len(e.text.split()) >= 2]
    out: list[Entity] = []
    for e in raw:
        if len(e.text.split()) <= 2 and e.kind in {"OTHER", "PERSON", "ORG"}:
            match = [f for f in full if len(f.text) > len(e.text) and
                     (f.text.endswith(" " + e.text) or f.text.split()[-1] == e.text)]
            if match:
                f = match[0]
                out.append(Entity(e.text, "PERSON", e.start, e.end, e.gender or f.gender, True))
                continue
        out.append(e)
    return _coordinated_people(text, out)


def _coordinated_people(text: str, ents: list[Entity]) -> list[Entity]:
    """"Macron and Putin": a bare name joined by "and" to a person (or the two of them the
    subject of a verb after "did") is a person too."""
    out = list(ents)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if not re.fullmatch(r"\s+(?:and|&)\s+", text[a.end:b.start]):
            continue
        loose = {"OTHER"}
        if not (a.kind in loose | {"PERSON"} and b.kind in loose | {"PERSON"}) or \
                len(a.text.split()) > 3 or len(b.text.split()) > 3 or \
                (a.kind == "OTHER" and a.strong) or (b.kind == "OTHER" and b.strong):
            continue
        before = re.search(r"(\w+)\s+$", text[:a.start])
        after = re.match(r"\s+([a-z]\w*)", text[b.end:])
        subject = bool(before and before.group(1).lower() in _AUX and after and
                       after.group(1) not in COMMON)
        if "PERSON" in {a.kind, b.kind} or subject:
            out[i] = a if a.kind == "PERSON" else Entity(a.text, "PERSON", a.start, a.end,
                                                         gender_of(a.text), False)
            out[i + 1] = b if b.kind == "PERSON" else Entity(b.text, "PERSON", b.start, b.end,
                                                             gender_of(b.text), False)
    return out


def find_people(text: str) -> list[Entity]:
    """The people named in ``text``, in order (strongly classed first within ties)."""
    return [e for e in find_entities(text) if e.kind == "PERSON"]


def full_name(e: Entity, text: str) -> str:
    """``e``'s longest form in ``text`` (``Le Drian`` -> ``Jean-Yves Le Drian``)."""
    best = e.text
    for f in find_people(text):
        if f.text != e.text and f.text.endswith(" " + e.text) and len(f.text) > len(best):
            best = f.text
    return best


# --------------------------------------------------------------------------- dates

_MON = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|" \
       r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_ORD = r"(\d{1,2})(?:st|nd|rd|th)?"
_DATE_RE = re.compile(
    rf"(?P<iso>\b(?P<iy>\d{{4}})-(?P<im>\d{{2}})-(?P<id>\d{{2}})\b)"
    rf"|(?P<mdy>\b(?P<m1>{_MON})\s+{_ORD.replace('(', '(?P<d1>', 1)}\b(?:,?\s+(?P<y1>\d{{4}})\b)?)"
    rf"|(?P<dmy>\b{_ORD.replace('(', '(?P<d2>', 1)}\s+(?:of\s+)?(?P<m2>{_MON})(?:,?\s+(?P<y2>\d{{4}})\b)?)"
    rf"|(?P<my>\b(?P<m3>{_MON})\s+(?:of\s+)?(?P<y3>\d{{4}})\b)"
    rf"|(?P<mon>\b(?:in|since|during|until|by|early|late|mid-|last|this|next)\s+(?P<m4>(?:January|February|March|April|May|June|July|August|September|October|November|December))\b(?!,?\s*\d))"
    rf"|(?P<rel>\b(?P<rw>last|this|next|past|earlier\s+this|later\s+this)\s+(?P<ru>week|month|year|weekend)\b)"
    rf"|(?P<wd>\b(?:(?P<wq>last|this|next|on|early|late)\s+)?(?P<wday>{_DAY})\b)"
    rf"|(?P<ago>\b(?P<an>\d+|a|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?P<au>days?|weeks?|months?|years?)\s+ago\b)"
    rf"|(?P<yday>\b(?:yesterday|today|tonight|tomorrow)\b)"
    rf"|(?P<yr>\b(?:in|since|during|until|by|of|early|late|mid-|before|after|between|and|to|from|through)\s*(?P<y4>(?:19|20)\d{{2}})\b(?!-|\s*(?:%|percent|million|billion|people)))",
    re.IGNORECASE)

_NUMWORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
             "seven": 7, "eight": 8, "nine": 9, "ten": 10}


@dataclass(frozen=True)
class DateMention:
    """A date expression in text and the period it names.

    Attributes:
        start: Offset of the expression.
        end: End offset.
        text: The expression as written.
        first: First day of the period (``None`` when it cannot be resolved).
        last: Last day of the period.
        relative: True when the expression needed the reference date ("on Monday",
            "last week", "September 9" with no year).
    """

    start: int
    end: int
    text: str
    first: date | None
    last: date | None
    relative: bool

    @property
    def is_day(self) -> bool:
        """True when the period is a single day."""
        return self.first is not None and self.first == self.last


def _month_no(s: str) -> int:
    return MONTHS.get(s.lower().rstrip(".")[:3] if s.lower().rstrip(".") not in MONTHS
                      else s.lower().rstrip("."), 0)


def _month_range(y: int, m: int) -> tuple[date, date]:
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _year_for(m: int, d: int, ref: date | None) -> int | None:
    if ref is None:
        return None
    y = ref.year
    cand = _safe(y, m, d) or _safe(y, m, 28)
    if cand and (cand - ref).days > 183:
        y -= 1
    elif cand and (ref - cand).days > 183:
        y += 1
    return y


def find_dates(text: str, ref: date | None = None) -> list[DateMention]:
    """Date expressions in ``text``, resolved against ``ref`` where relative.

    Weekdays resolve to the nearest such day on or before ``ref`` ("next Monday" after it);
    a month and day with no year take the year that puts them within six months of ``ref``.
    """
    out: list[DateMention] = []
    for m in _DATE_RE.finditer(text):
        g = m.groupdict()
        first: date | None = None
        last: date | None = None
        relative = False
        s, e = m.start(), m.end()
        if g["iso"]:
            first = last = _safe(int(g["iy"]), int(g["im"]), int(g["id"]))
        elif g["mdy"] or g["dmy"]:
            mon = _month_no(g["m1"] or g["m2"])
            day = int(g["d1"] or g["d2"])
            yr_s = g["y1"] or g["y2"]
            if not mon or not 1 <= day <= 31:
                continue
            if (g["m1"] or g["m2"]).lower().rstrip(".") == "may" and not yr_s and g["mdy"] \
                    and not (g["m1"] or "").startswith("M"):
                continue  # "may 5" is too often the verb; need a capital M
            yr = int(yr_s) if yr_s else _year_for(mon, day, ref)
            relative = not yr_s
            if yr is not None:
                first = last = _safe(yr, mon, day)
        elif g["my"]:
            mon = _month_no(g["m3"])
            if mon:
                first, last = _month_range(int(g["y3"]), mon)
        elif g["mon"]:
            mon = _month_no(g["m4"])
            relative = True
            if mon and ref is not None:
                yr = ref.year if mon <= ref.month else ref.year - 1
                first, last = _month_range(yr, mon)
            s = m.start("m4") if not g["mon"].lower().startswith(("last", "this", "next")) else s
        elif g["rel"]:
            relative = True
            word, unit = re.sub(r"\s+", " ", g["rw"].lower()), g["ru"].lower()
            if ref is not None:
                first, last = _relative_period(word, unit, ref)
        elif g["wd"]:
            relative = True
            q = (g["wq"] or "").lower()
            if ref is not None:
                wd = WEEKDAYS[g["wday"].lower()]
                back = (ref.weekday() - wd) % 7
                if q == "next":
                    d = ref + timedelta(days=(wd - ref.weekday()) % 7 or 7)
                elif q == "last" and back == 0:
                    d = ref - timedelta(days=7)
                else:
                    d = ref - timedelta(days=back)
                first = last = d
            if q in {"on", "early", "late"}:
                s = m.start("wday")
        elif g["ago"]:
            relative = True
            n = int(g["an"]) if g["an"].isdigit() else _NUMWORDS.get(g["an"].lower(), 1)
            unit = g["au"].lower().rstrip("s")
            if ref is not None:
                days = {"day": 1, "week": 7, "month": 30, "year": 365}[unit] * n
                first = last = ref - timedelta(days=days)
                if unit != "day":
                    first, last = first - timedelta(days=3 if unit == "week" else 15), \
                        last + timedelta(days=3 if unit == "week" else 15)
        elif g["yday"]:
            relative = True
            w = g["yday"].lower()
            if ref is not None:
                off = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}[w]
                first = last = ref + timedelta(days=off)
        elif g["yr"]:
            y = int(g["y4"])
            first, last = date(y, 1, 1), date(y, 12, 31)
            s = m.start("y4")
        out.append(DateMention(s, e, text[s:e], first, last, relative))
    return out


def _relative_period(word: str, unit: str, ref: date) -> tuple[date, date]:
    if unit in {"week", "weekend"}:
        monday = ref - timedelta(days=ref.weekday())
        if word == "last":
            monday -= timedelta(days=7)
        elif word == "next":
            monday += timedelta(days=7)
        elif word == "past":
            return ref - timedelta(days=7), ref
        if unit == "weekend":
            return monday + timedelta(days=5), monday + timedelta(days=6)
        if word == "earlier this":
            return monday, ref
        if word == "later this":
            return ref, monday + timedelta(days=6)
        return monday, monday + timedelta(days=6)
    if unit == "month":
        y, mo = ref.year, ref.month
        if word == "last":
            y, mo = (y - 1, 12) if mo == 1 else (y, mo - 1)
        elif word == "next":
            y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
        elif word == "past":
            return ref - timedelta(days=30), ref
        a, b = _month_range(y, mo)
        if word == "earlier this":
            return a, ref
        if word == "later this":
            return ref, b
        return a, b
    y = ref.year + {"last": -1, "next": 1}.get(word, 0)
    if word == "past":
        return ref - timedelta(days=365), ref
    a, b = date(y, 1, 1), date(y, 12, 31)
    if word == "earlier this":
        return a, ref
    if word == "later this":
        return ref, b
    return a, b


def format_day(d: date) -> str:
    """``9 September 2019``."""
    return f"{d.day} {calendar.month_name[d.month]} {d.year}"


def format_period(first: date, last: date) -> str:
    """A readable period: a day, a month, a year, or ``first to last``."""
    if first == last:
        return format_day(first)
    if first.day == 1 and (first.month, first.year) == (last.month, last.year) and \
            last.day == calendar.monthrange(last.year, last.month)[1]:
        return f"{calendar.month_name[first.month]} {first.year}"
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31) and \
            first.year == last.year:
        return str(first.year)
    return f"{format_day(first)} to {format_day(last)}"


# --------------------------------------------------------------------------- numbers

_QUAL = (r"(?:more\s+than|less\s+than|fewer\s+than|at\s+least|at\s+most|about|around|nearly|"
         r"almost|over|under|up\s+to|roughly|some|approximately|an\s+estimated|as\s+many\s+as|"
         r"as\s+much\s+as|just\s+over|just\s+under|close\s+to|only|exactly)\s+")
_NUMWORD = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
            r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|"
            r"sixty|seventy|eighty|ninety|hundred|a\s+dozen|dozens|hundreds|thousands|"
            r"millions|billions|half|a\s+third|a\s+quarter)")
_NUM_RE = re.compile(
    rf"(?P<q>{_QUAL})?"
    rf"(?P<n>(?:US)?[$€£¥]\s?\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?|\b{_NUMWORD}\b)"
    rf"(?P<scale>\s?(?:%|percent\b|per\s+cent\b|(?:million|billion|trillion|thousand|hundred|bn|m|k)\b))?"
    rf"(?P<unit>(?:[ -](?!(?:and|or|of|the|a|an|in|on|at|to|for|from|by|with|as|than|that|"
    rf"this|is|are|was|were|has|have|had|will|would|who|which|since|after|before|per|each|"
    rf"percent|million|billion)\b)[a-z][a-z-]*){{0,2}})",
    re.IGNORECASE)


_NOT_UNIT = frozenset({"over", "under", "up", "down", "out", "off", "ago", "later", "earlier",
                       "more", "less", "fewer", "feel", "say", "said", "says", "think", "believe",
                       "times", "percent", "each", "apiece", "overall", "total", "so", "far"})


def find_numbers(text: str) -> list[tuple[int, int, str, str]]:
    """Number phrases: ``(start, end, phrase, unit)`` like ``more than 13,000 people``.

    Years, times of day and parts of dates are left out.
    """
    dates = [(d.start, d.end) for d in find_dates(text)]
    out: list[tuple[int, int, str, str]] = []
    for m in _NUM_RE.finditer(text):
        n = m.group("n")
        s, e = m.start(), m.end()
        if any(a <= m.start("n") < b for a, b in dates):
            continue
        digits = n.replace(",", "")
        if re.fullmatch(r"(?:19|20)\d\d", digits) and not m.group("scale"):
            continue  # a year
        if s > 0 and text[s - 1] in ":/" or (e < len(text) and text[e:e + 1] in {":", "/"}):
            continue
        if not n[0].isdigit() and n[0] not in "$€£¥U" and not m.group("scale") and \
                not m.group("unit"):
            continue
        if text[max(0, m.start("n") - 1):m.start("n")] == "+" or text[e:e + 1] == "+" \
                or text[m.end("n"):m.end("n") + 1] == "+":
            continue  # "2+2"
        unit = m.group("unit").strip(" -")
        # keep at most two unit words, up to the first function word or -ed/-ing/-ly word
        words = []
        for w in unit.split():
            if w.lower() in COMMON:
                break
            words.append(w)
        if len(words) == 2 and re.search(r"(ed|ing|ly)$", words[1]):
            words = words[:1]
        if words and re.search(r"(ed|ly)$", words[0]) and words[0] not in {"killed", "injured"}:
            words = []
        unit = " ".join(words)
        if re.search(r"%|percent|per\s+cent", m.group("scale") or "") or not n[0].isalnum():
            words = []  # "60% of", "$5 a gallon": no counted noun after a share or a sum
        words = words[:1] if len(words) == 2 and words[1].lower() in _NOT_UNIT else words
        words = [] if words and words[0].lower() in _NOT_UNIT else words
        unit = " ".join(words)
        phrase_end = m.end("scale") if m.group("scale") else m.end("n")
        if unit:
            phrase_end = text.index(unit, phrase_end) + len(unit)
        out.append((s, phrase_end, text[s:phrase_end], unit))
    return out


# --------------------------------------------------------------------------- countries

DEMONYMS: dict[str, str] = {
    "american": "united states", "british": "united kingdom", "english": "united kingdom",
    "scottish": "united kingdom", "welsh": "united kingdom", "french": "france",
    "german": "germany", "russian": "russia", "ukrainian": "ukraine", "chinese": "china",
    "japanese": "japan", "korean": "korea", "indian": "india", "pakistani": "pakistan",
    "iranian": "iran", "iraqi": "iraq", "syrian": "syria", "israeli": "israel",
    "palestinian": "palestine", "saudi": "saudi arabia", "turkish": "turkey",
    "egyptian": "egypt", "italian": "italy", "spanish": "spain", "portuguese": "portugal",
    "dutch": "netherlands", "belgian": "belgium", "swiss": "switzerland", "austrian": "austria",
    "polish": "poland", "czech": "czech republic", "hungarian": "hungary",
    "romanian": "romania", "bulgarian": "bulgaria", "greek": "greece", "swedish": "sweden",
    "norwegian": "norway", "danish": "denmark", "finnish": "finland", "irish": "ireland",
    "canadian": "canada", "mexican": "mexico", "brazilian": "brazil", "argentine": "argentina",
    "argentinian": "argentina", "colombian": "colombia", "venezuelan": "venezuela",
    "cuban": "cuba", "chilean": "chile", "peruvian": "peru", "australian": "australia",
    "nigerian": "nigeria", "kenyan": "kenya", "ethiopian": "ethiopia", "afghan": "afghanistan",
    "belarusian": "belarus", "georgian": "georgia", "armenian": "armenia",
    "taiwanese": "taiwan", "vietnamese": "vietnam", "thai": "thailand",
    "indonesian": "indonesia", "filipino": "philippines", "malaysian": "malaysia",
    "serbian": "serbia", "croatian": "croatia", "bosnian": "bosnia", "albanian": "albania",
    "lebanese": "lebanon", "jordanian": "jordan", "yemeni": "yemen", "libyan": "libya",
    "european": "europe", "african": "africa", "asian": "asia",
    "tunisian": "tunisia", "moroccan": "morocco", "algerian": "algeria", "sudanese": "sudan",
    "somali": "somalia", "qatari": "qatar", "emirati": "united arab emirates",
    "kuwaiti": "kuwait", "fijian": "fiji", "haitian": "haiti", "jamaican": "jamaica",
}
_COUNTRY_ALIASES = {
    "us": "united states", "u.s": "united states", "u.s.": "united states",
    "usa": "united states", "u.s.a.": "united states", "america": "united states",
    "uk": "united kingdom", "u.k": "united kingdom", "u.k.": "united kingdom",
    "britain": "united kingdom", "great britain": "united kingdom", "england": "united kingdom",
    "scotland": "united kingdom", "wales": "united kingdom", "holland": "netherlands",
    "burma": "myanmar", "türkiye": "turkey", "czechia": "czech republic",
    "south korea": "korea", "north korea": "north korea",
}
_COUNTRY_SET = frozenset(COUNTRIES.split()) | frozenset({
    "united states", "united kingdom", "united arab emirates", "saudi arabia", "south korea",
    "north korea", "south africa", "new zealand", "sri lanka", "costa rica", "el salvador",
    "dominican republic", "czech republic", "central african republic", "ivory coast",
    "east timor", "papua new guinea", "sierra leone", "south sudan", "great britain"})
# regions, states and geography in CITIES_REGIONS and MULTIWORD_PLACES: the rest are cities
_REGIONS = _words("""
alabama alaska arizona arkansas california colorado connecticut delaware florida hawaii
idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan
minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon pennsylvania
tennessee texas utah vermont virginia wisconsin wyoming crimea donbas donbass donetsk luhansk
kashmir tibet xinjiang chechnya siberia kurdistan balkans sahara sahel europe asia africa
oceania antarctica arctic caribbean scandinavia yellowstone alps himalayas amazon
mediterranean atlantic pacific normandy greenland bavaria catalonia andalusia quebec ontario
alberta sichuan guangdong hokkaido okinawa gaza
""") | frozenset({
    "new jersey", "new mexico", "new hampshire", "north carolina", "south carolina",
    "north dakota", "south dakota", "west virginia", "rhode island", "middle east",
    "latin america", "south america", "north america", "central america", "eastern europe",
    "western europe", "southeast asia", "east asia", "west bank", "gaza strip",
    "crimean peninsula", "black sea", "baltic sea", "south china sea", "persian gulf",
    "gulf of mexico", "red sea", "asia-pacific", "indo-pacific", "northern ireland",
    "bay area", "silicon valley", "puerto rico"})


def _strip_poss(word: str) -> str:
    w = word.strip().strip(".,;:")
    return re.sub(r"['’]s?$", "", w) if re.search(r"['’]s?$", w) else w


def country_key(word: str) -> str:
    """The country a country name or nationality adjective names (``"France's"``,
    ``"French"`` -> ``"france"``), or ``""``."""
    w = _strip_poss(word).lower()
    if w.startswith("the "):
        w = w[4:]
    if w in DEMONYMS:
        return DEMONYMS[w]
    if w in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[w]
    if w in _COUNTRY_SET:
        return w
    return ""


def place_class(name: str) -> str:
    """``"COUNTRY"``, ``"REGION"`` (state, region, sea...), ``"CITY"``, or ``""`` when unknown."""
    low = _strip_poss(name).lower()
    if low.startswith("the "):
        low = low[4:]
    if country_key(low) and low not in DEMONYMS:
        return "COUNTRY"
    if low in _REGIONS:
        return "REGION"
    if low in _PLACES_1 or low in _PLACES_N:
        return "CITY"
    words = low.split()
    if len(words) > 1 and words[0] in {"eastern", "western", "northern", "southern", "central",
                                       "north", "south", "east", "west"}:
        return "REGION"
    if words and words[-1] in PLACE_HEADS:
        return "CITY" if words[-1] in {"city", "town", "village"} else "REGION"
    return ""


# --------------------------------------------------------------------------- roles

ROLE_NOUNS = _words("""
minister ministers president presidents secretary chancellor premier spokesman spokeswoman
spokesperson ambassador governor mayor senator chief head leader leaders general commander
director ceo chairman chairwoman chair official officials envoy diplomat king queen prince
princess pope judge prosecutor lawmaker representative congressman congresswoman founder
executive coach captain manager owner counterpart counterparts premier emir sultan monarch
""")
PORTFOLIOS = _words("""
foreign defense defence interior finance health justice education economy economic trade
energy environment agriculture culture transport labour labor home armed forces treasury
state security intelligence digital industry
""")
_ROLE_WORD = re.compile(r"[\w.'’-]+")
_SAY_AFTER = r"(?:said|says|told|added|wrote|noted|stated|warned|explained|insisted|declared)"


@dataclass(frozen=True)
class Role:
    """What a text says a person is: ``"French defense minister"``, or only a country.

    Attributes:
        phrase: The role as written (``""`` when only the country is known).
        words: Its lower-cased words.
        countries: Countries it ties the person to (``"france"``).
        start: Start of the sentence (or phrase) that says so.
        end: Its end.
    """

    phrase: str
    words: frozenset[str]
    countries: frozenset[str]
    start: int
    end: int


def _title_before(text: str, pos: int) -> tuple[str, set[str]]:
    """The title run right before ``pos`` ("Russian Foreign Minister") and its countries."""
    pre = text[max(0, pos - 90):pos]
    words = list(_ROLE_WORD.finditer(pre))
    kept: list[str] = []
    countries: set[str] = set()
    end = len(pre)
    for m in reversed(words):
        if pre[m.end():end].strip():
            break
        w = m.group()
        lw = w.lower()
        key = country_key(w)
        if lw in TITLES or lw in ROLE_NOUNS or lw in PORTFOLIOS or lw in NATIONALITIES or \
                (key and (w[-2:] in ("'s", "’s") or lw in DEMONYMS)):
            if key:
                countries.add(key)
            kept.append(w)
            end = m.start()
            continue
        break
    kept.reverse()
    while kept and kept[0].lower() in {"the", "of"}:
        kept = kept[1:]
    return " ".join(kept), countries


def affiliations(text: str, ents: list[Entity] | None = None) -> list[tuple[Entity, frozenset[str]]]:
    """Each person named in ``text`` with the countries the text ties them to.

    ``Jean-Yves Le Drian and Florence Parly of France``, ``Russia's Sergei Lavrov and Sergei
    Shoigu`` and ``French President Emmanuel Macron`` each tie the names to a country.
    """
    ents = find_entities(text) if ents is None else ents
    people = [e for e in ents if e.kind == "PERSON"]
    groups: list[list[Entity]] = []
    for e in people:
        if groups and re.fullmatch(r"\s*(?:,|,?\s+and|,?\s+&)\s*", text[groups[-1][-1].end:e.start]):
            groups[-1].append(e)
        else:
            groups.append([e])
    out: list[tuple[Entity, frozenset[str]]] = []
    for g in groups:
        shared: set[str] = set()
        _, before = _title_before(text, g[0].start)
        if len(g) > 1:
            shared |= before
        after = re.match(r"\s+(?:of|from)\s+(?:the\s+)?([A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)",
                         text[g[-1].end:g[-1].end + 40])
        if after:
            key = country_key(after.group(1)) or country_key(after.group(1).split()[0])
            if key:
                shared.add(key)
        for e in g:
            own = _title_before(text, e.start)[1] if e is not g[0] else before
            out.append((e, frozenset(shared | own)))
    return out


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    from vectorstore.text.sentences import split_sentences

    return [(a, b) for a, b in split_sentences(text) if b > a]


def person_roles(text: str, spans: list[tuple[int, int]] | None = None) -> dict[str, list[Role]]:
    """What ``text`` says each person is, keyed by lower-cased surname.

    Read from titles before a name (``Russian Foreign Minister Sergei Lavrov``), appositions
    (``Lavrov, Russia's foreign minister,``), the country a name is tied to (``Florence
    Parly of France``), and a role standing for the person named just before it (``Parly
    told TASS ... "...," the French defense minister said.``).
    """
    out: dict[str, list[Role]] = {}
    spans = spans or _sentence_spans(text)
    prev_people: list[Entity] = []
    for a, b in spans:
        sent = text[a:b]
        ents = find_entities(sent)
        people = [e for e in ents if e.kind == "PERSON"]
        for e, countries in affiliations(sent, ents):
            phrase, _ = _title_before(sent, e.start)
            if not any(w.lower() in ROLE_NOUNS or w.lower() in TITLES for w in phrase.split()):
                phrase = ""
            app = re.match(r",\s+(?:the\s+|a\s+|an\s+)?((?:[\w'’-]+\s+){0,4}?(?:" +
                           "|".join(sorted(ROLE_NOUNS)) + r"))\b", sent[e.end:e.end + 80],
                           re.IGNORECASE)
            if app:
                phrase = app.group(1)
                countries = countries | {country_key(w) for w in phrase.split() if country_key(w)}
            if phrase or countries:
                out.setdefault(e.last.lower(), []).append(Role(
                    phrase, frozenset(w.lower() for w in phrase.split()), frozenset(countries),
                    a, b))
        if not people and prev_people:
            # "...," the French defense minister said: the person named just before
            m = re.search(r"\b(?:the|The)\s+((?:[\w'’-]+\s+){0,3}?(?:" + "|".join(sorted(ROLE_NOUNS))
                          + r"))\s+" + _SAY_AFTER + r"\b|\b" + _SAY_AFTER +
                          r"\s+the\s+((?:[\w'’-]+\s+){0,3}?(?:" + "|".join(sorted(ROLE_NOUNS))
                          + r"))\b", sent)
            if m:
                phrase = m.group(1) or m.group(2)
                subject = next((p for p in prev_people if re.match(
                    r"\s+" + _SAY_AFTER, text[p.end:p.end + 20])), prev_people[0])
                countries = frozenset(country_key(w) for w in phrase.split() if country_key(w))
                out.setdefault(subject.last.lower(), []).append(Role(
                    phrase, frozenset(w.lower() for w in phrase.split()), countries, a, b))
        if people:
            prev_people = [Entity(e.text, e.kind, e.start + a, e.end + a, e.gender, e.strong)
                           for e in people]
        elif not re.search(r"\b(?:he|she|his|her)\b", sent, re.IGNORECASE):
            prev_people = prev_people if len(sent) < 400 else []
    return out
