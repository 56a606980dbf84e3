"""Geography: the 27 UFs and real municipalities with their IBGE codes."""

from __future__ import annotations

_UF: dict[str, tuple[str, str]] = {  # sigla -> (ufNome, "ESTADO D? ..." razão social)
    "AC": ("Acre", "ESTADO DO ACRE"), "AL": ("Alagoas", "ESTADO DE ALAGOAS"), "AP": ("Amapá", "ESTADO DO AMAPA"),
    "AM": ("Amazonas", "ESTADO DO AMAZONAS"), "BA": ("Bahia", "ESTADO DA BAHIA"), "CE": ("Ceará", "ESTADO DO CEARA"),
    "DF": ("Distrito Federal", "DISTRITO FEDERAL"), "ES": ("Espírito Santo", "ESTADO DO ESPIRITO SANTO"),
    "GO": ("Goiás", "ESTADO DE GOIAS"), "MA": ("Maranhão", "ESTADO DO MARANHAO"), "MT": ("Mato Grosso", "ESTADO DE MATO GROSSO"),
    "MS": ("Mato Grosso do Sul", "ESTADO DE MATO GROSSO DO SUL"), "MG": ("Minas Gerais", "ESTADO DE MINAS GERAIS"),
    "PA": ("Pará", "ESTADO DO PARA"), "PB": ("Paraíba", "ESTADO DA PARAIBA"), "PR": ("Paraná", "ESTADO DO PARANA"),
    "PE": ("Pernambuco", "ESTADO DE PERNAMBUCO"), "PI": ("Piauí", "ESTADO DO PIAUI"), "RJ": ("Rio de Janeiro", "ESTADO DO RIO DE JANEIRO"),
    "RN": ("Rio Grande do Norte", "ESTADO DO RIO GRANDE DO NORTE"), "RS": ("Rio Grande do Sul", "ESTADO DO RIO GRANDE DO SUL"),
    "RO": ("Rondônia", "ESTADO DE RONDONIA"), "RR": ("Roraima", "ESTADO DE RORAIMA"), "SC": ("Santa Catarina", "ESTADO DE SANTA CATARINA"),
    "SP": ("São Paulo", "ESTADO DE SAO PAULO"), "SE": ("Sergipe", "ESTADO DE SERGIPE"), "TO": ("Tocantins", "ESTADO DO TOCANTINS"),
}

# (ufSigla, municipioNome, codigoIbge); the first entry of each UF is its capital.
_MUNICIPIOS_RAW = """RO|Porto Velho|1100205;RO|Ji-Paraná|1100122;RO|Ariquemes|1100023;RO|Vilhena|1100304
AC|Rio Branco|1200401;AC|Cruzeiro do Sul|1200203
AM|Manaus|1302603;AM|Parintins|1303403;AM|Itacoatiara|1301902
RR|Boa Vista|1400100
PA|Belém|1501402;PA|Santarém|1506807;PA|Marabá|1504208;PA|Ananindeua|1500800
AP|Macapá|1600303;AP|Santana|1600600
TO|Palmas|1721000;TO|Araguaína|1702109;TO|Gurupi|1709500
MA|São Luís|2111300;MA|Imperatriz|2105302;MA|Caxias|2103000
PI|Teresina|2211001;PI|Parnaíba|2207702;PI|Picos|2208007
CE|Fortaleza|2304400;CE|Juazeiro do Norte|2307304;CE|Sobral|2312908;CE|Caucaia|2303709
RN|Natal|2408102;RN|Mossoró|2408003;RN|Parnamirim|2403251
PB|João Pessoa|2507507;PB|Campina Grande|2504009;PB|Patos|2510808
PE|Recife|2611606;PE|Caruaru|2604106;PE|Petrolina|2611101;PE|Olinda|2609600;PE|Jaboatão dos Guararapes|2607901
AL|Maceió|2704302;AL|Arapiraca|2700300
SE|Aracaju|2800308;SE|Lagarto|2803500
BA|Salvador|2927408;BA|Feira de Santana|2910800;BA|Vitória da Conquista|2933307;BA|Ilhéus|2913606;BA|Juazeiro|2918407;BA|Barreiras|2903201
MG|Belo Horizonte|3106200;MG|Uberlândia|3170206;MG|Juiz de Fora|3136702;MG|Montes Claros|3143302;MG|Contagem|3118601;MG|Uberaba|3170107;MG|Governador Valadares|3127701;MG|Ipatinga|3131307;MG|Nazareno|3144508;MG|Novo Cruzeiro|3145307
ES|Vitória|3205309;ES|Vila Velha|3205200;ES|Cachoeiro de Itapemirim|3201209;ES|Vargem Alta|3205036;ES|Serra|3205002
RJ|Rio de Janeiro|3304557;RJ|Niterói|3303302;RJ|Itaguaí|3302007;RJ|Duque de Caxias|3301702;RJ|Nova Iguaçu|3303500;RJ|Petrópolis|3303906;RJ|Campos dos Goytacazes|3301009
SP|São Paulo|3550308;SP|Campinas|3509502;SP|São Bernardo do Campo|3548708;SP|São José do Rio Preto|3549805;SP|Salto de Pirapora|3545308;SP|Barra Bonita|3505302;SP|Ribeirão Preto|3543402;SP|Santos|3548500;SP|Sorocaba|3552205;SP|Guarulhos|3518800;SP|Osasco|3534401;SP|Bauru|3506003;SP|Piracicaba|3538709;SP|São José dos Campos|3549904
PR|Curitiba|4106902;PR|Londrina|4113700;PR|Maringá|4115200;PR|Cascavel|4104808;PR|Ponta Grossa|4119905;PR|Foz do Iguaçu|4108304;PR|Amaporã|4100905;PR|Jataizinho|4112702
SC|Florianópolis|4205407;SC|Joinville|4209102;SC|Blumenau|4202404;SC|Chapecó|4204202;SC|Curitibanos|4204806;SC|Urupema|4218954;SC|Águas Mornas|4200606;SC|Lages|4209300;SC|Massaranduba|4210605;SC|Videira|4219309
RS|Porto Alegre|4314902;RS|Caxias do Sul|4305108;RS|Pelotas|4314407;RS|Santa Maria|4316907;RS|Passo Fundo|4314100;RS|Tapejara|4320909;RS|Vila Flores|4323309;RS|Westfália|4323770;RS|Fazenda Vilanova|4308078;RS|Canoas|4304606;RS|Eldorado do Sul|4306767
MS|Campo Grande|5002704;MS|Dourados|5003702;MS|Coxim|5003306;MS|Ivinhema|5004700;MS|Japorã|5004809;MS|Três Lagoas|5008305
MT|Cuiabá|5103403;MT|Rondonópolis|5107602;MT|Várzea Grande|5108402;MT|Sinop|5107909
GO|Goiânia|5208707;GO|Anápolis|5201108;GO|Formosa|5208004;GO|Aparecida de Goiânia|5201405;GO|Rio Verde|5218805
DF|Brasília|5300108"""

# More municipalities (codes checked against the IBGE check digit), so that municipal órgãos spread out.
_MUNICIPIOS_MAIS = """MG|Betim|3106705;MG|Sete Lagoas|3167202;MG|Divinópolis|3122306;MG|Poços de Caldas|3151800;MG|Patos de Minas|3148004;MG|Pouso Alegre|3152501;MG|Teófilo Otoni|3168606;MG|Barbacena|3105608;MG|Varginha|3170701;MG|Araxá|3104007;MG|Itabira|3131703;MG|Lavras|3138203;MG|Ouro Preto|3146107;MG|Diamantina|3121605;MG|Passos|3147907;MG|Ubá|3169901;MG|Muriaé|3143906;MG|Conselheiro Lafaiete|3118304;MG|Paracatu|3147006;MG|Unaí|3170404;MG|Januária|3135209;MG|Curvelo|3120904;MG|João Monlevade|3136207;MG|Caratinga|3113404;MG|Manhuaçu|3139409;MG|Três Corações|3169307;MG|Ituiutaba|3134202;MG|Frutal|3127107;MG|Alfenas|3101607;MG|São João del Rei|3162500
SP|Santo André|3547809;SP|Mauá|3529401;SP|Mogi das Cruzes|3530607;SP|Diadema|3513801;SP|Jundiaí|3525904;SP|Carapicuíba|3510609;SP|Franca|3516200;SP|Limeira|3526902;SP|Taubaté|3554102;SP|Praia Grande|3541000;SP|Suzano|3552502;SP|São Carlos|3548906;SP|Marília|3529005;SP|Presidente Prudente|3541406;SP|Araraquara|3503208;SP|Americana|3501608;SP|Jacareí|3524402;SP|Araçatuba|3502804;SP|Itu|3523909;SP|Barretos|3505500;SP|Botucatu|3507506;SP|Registro|3542602;SP|Assis|3504008;SP|Ourinhos|3534708;SP|Catanduva|3511102;SP|Bragança Paulista|3507605;SP|Rio Claro|3543907;SP|Itapetininga|3522307;SP|Avaré|3504503;SP|Lins|3527108
RS|Santa Cruz do Sul|4316808;RS|Novo Hamburgo|4313409;RS|São Leopoldo|4318705;RS|Gravataí|4309209;RS|Viamão|4323002;RS|Rio Grande|4315602;RS|Uruguaiana|4322400;RS|Bagé|4301602;RS|Santo Ângelo|4317509;RS|Erechim|4307005;RS|Ijuí|4310207;RS|Lajeado|4311403;RS|Bento Gonçalves|4302105;RS|Santa Rosa|4317202;RS|Cachoeira do Sul|4303004;RS|Alegrete|4300406;RS|Cruz Alta|4306106;RS|Vacaria|4322509;RS|Camaquã|4303509;RS|Sapucaia do Sul|4320008
BA|Camaçari|2905701;BA|Itabuna|2914802;BA|Lauro de Freitas|2919207;BA|Jequié|2918001;BA|Teixeira de Freitas|2931350;BA|Alagoinhas|2900702;BA|Porto Seguro|2925303;BA|Simões Filho|2930709;BA|Paulo Afonso|2924009;BA|Eunápolis|2910727;BA|Santo Antônio de Jesus|2928703;BA|Valença|2932903;BA|Guanambi|2911709;BA|Jacobina|2917508;BA|Serrinha|2930501;BA|Senhor do Bonfim|2930105;BA|Irecê|2914604;BA|Brumado|2904605
PR|São José dos Pinhais|4125506;PR|Colombo|4105805;PR|Guarapuava|4109401;PR|Paranaguá|4118204;PR|Apucarana|4101408;PR|Toledo|4127700;PR|Pinhais|4119152;PR|Campo Largo|4104204;PR|Arapongas|4101507;PR|Umuarama|4128104;PR|Francisco Beltrão|4108403;PR|Pato Branco|4118501;PR|Cianorte|4105508;PR|Telêmaco Borba|4127106;PR|Castro|4104907;PR|Paranavaí|4118402
GO|Luziânia|5212501;GO|Águas Lindas de Goiás|5200258;GO|Valparaíso de Goiás|5221858;GO|Trindade|5221403;GO|Senador Canedo|5220454;GO|Catalão|5205109;GO|Itumbiara|5211503;GO|Jataí|5211909;GO|Caldas Novas|5204508;GO|Planaltina|5217609;GO|Goianésia|5208608;GO|Mineiros|5213103;GO|Inhumas|5210000
PI|Floriano|2203909;PI|Piripiri|2208403;PI|Campo Maior|2202208;PI|Barras|2201200;PI|União|2211100;PI|Oeiras|2207009;PI|São Raimundo Nonato|2210607;PI|Bom Jesus|2201903
PB|Santa Rita|2513703;PB|Bayeux|2501807;PB|Sousa|2516201;PB|Cajazeiras|2503704;PB|Guarabira|2506301;PB|Cabedelo|2503209;PB|Sapé|2515302;PB|Mamanguape|2508901;PB|Pombal|2512101;PB|Monteiro|2509701
MA|São José de Ribamar|2111201;MA|Timon|2112209;MA|Codó|2103307;MA|Paço do Lumiar|2107506;MA|Açailândia|2100055;MA|Bacabal|2101202;MA|Balsas|2101400;MA|Santa Inês|2110005;MA|Pinheiro|2108603;MA|Chapadinha|2102804
PE|Paulista|2610707;PE|Cabo de Santo Agostinho|2602902;PE|Camaragibe|2603454;PE|Garanhuns|2606002;PE|Vitória de Santo Antão|2616407;PE|Igarassu|2606804;PE|São Lourenço da Mata|2613701;PE|Serra Talhada|2613909;PE|Araripina|2601201;PE|Gravatá|2606408
CE|Maracanaú|2307650;CE|Crato|2304202;CE|Itapipoca|2306405;CE|Maranguape|2307700;CE|Iguatu|2305506;CE|Quixadá|2311306;CE|Canindé|2302800;CE|Aquiraz|2301000;CE|Pacatuba|2309706;CE|Crateús|2304103;CE|Russas|2311801;CE|Tianguá|2313401
RN|São Gonçalo do Amarante|2412005;RN|Macaíba|2407104;RN|Ceará-Mirim|2402600;RN|Caicó|2402006;RN|Açu|2400208;RN|Currais Novos|2403103
PA|Castanhal|1502400;PA|Parauapebas|1505536;PA|Abaetetuba|1500107;PA|Cametá|1502103;PA|Bragança|1501709;PA|Altamira|1500602;PA|Tucuruí|1508100;PA|Barcarena|1501303;PA|Itaituba|1503606;PA|Paragominas|1505502;PA|Redenção|1506138
MT|Tangará da Serra|5107958;MT|Cáceres|5102504;MT|Sorriso|5107925;MT|Lucas do Rio Verde|5105259;MT|Primavera do Leste|5107040;MT|Barra do Garças|5101803;MT|Alta Floresta|5100250
TO|Porto Nacional|1718204;TO|Paraíso do Tocantins|1716109;TO|Colinas do Tocantins|1705508
AL|Palmeira dos Índios|2706307;AL|Rio Largo|2707701;AL|Penedo|2706703;AL|União dos Palmares|2709301;AL|São Miguel dos Campos|2708600;AL|Delmiro Gouveia|2702405
SE|Nossa Senhora do Socorro|2804805;SE|Itabaiana|2802908;SE|São Cristóvão|2806701;SE|Estância|2802106;SE|Tobias Barreto|2807402
RJ|São Gonçalo|3304904;RJ|Belford Roxo|3300456;RJ|São João de Meriti|3305109;RJ|Volta Redonda|3306305;RJ|Macaé|3302403;RJ|Magé|3302502;RJ|Cabo Frio|3300704;RJ|Angra dos Reis|3300100;RJ|Nova Friburgo|3303401;RJ|Barra Mansa|3300407;RJ|Teresópolis|3305802;RJ|Resende|3304201;RJ|Maricá|3302700
ES|Cariacica|3201308;ES|Linhares|3203205;ES|São Mateus|3204906;ES|Colatina|3201506;ES|Guarapari|3202405;ES|Aracruz|3200607
MS|Corumbá|5003207;MS|Ponta Porã|5006606;MS|Naviraí|5005707;MS|Nova Andradina|5006200;MS|Aquidauana|5001102;MS|Sidrolândia|5007901
AM|Manacapuru|1302504;AM|Coari|1301209;AM|Tefé|1304203;AM|Tabatinga|1304062;AM|Maués|1302900;AM|Humaitá|1301704
RO|Cacoal|1100049;RO|Rolim de Moura|1100288;RO|Jaru|1100114;RO|Guajará-Mirim|1100106;RO|Ouro Preto do Oeste|1100155
AC|Sena Madureira|1200500;AC|Tarauacá|1200609;AC|Feijó|1200302;AC|Brasiléia|1200104
AP|Laranjal do Jari|1600279;AP|Oiapoque|1600501;AP|Mazagão|1600402
RR|Rorainópolis|1400472;RR|Caracaraí|1400209;RR|Pacaraima|1400456;RR|Alto Alegre|1400050"""

_MUN_BY_UF: dict[str, list[tuple[str, str]]] = {}
for _line in (_MUNICIPIOS_RAW + "\n" + _MUNICIPIOS_MAIS).splitlines():
    for _entry in _line.split(";"):
        _uf, _nome, _ibge = _entry.split("|")
        _MUN_BY_UF.setdefault(_uf, []).append((_nome, _ibge))
del _line, _entry, _uf, _nome, _ibge

# Municipal orgãos per UF follow roughly the number of municipalities in each UF.
_UF_MUNICIPAL_WEIGHT = {
    "MG": 853, "SP": 645, "RS": 497, "BA": 417, "PR": 399, "SC": 295, "GO": 246, "PI": 224, "PB": 223, "MA": 217,
    "PE": 185, "CE": 184, "RN": 167, "PA": 144, "MT": 141, "TO": 139, "AL": 102, "RJ": 92, "MS": 79, "ES": 78,
    "SE": 75, "AM": 62, "RO": 52, "AC": 22, "AP": 16, "RR": 15,
}

_ACCENTS = str.maketrans("ÁÀÂÃÄÉÈÊËÍÌÎÏÓÒÔÕÖÚÙÛÜÇáàâãäéèêëíìîïóòôõöúùûüç", "AAAAAEEEEIIIIOOOOOUUUUCaaaaaeeeeiiiiooooouuuuc")


def _plain_upper(s: str) -> str:
    return s.translate(_ACCENTS).upper()
