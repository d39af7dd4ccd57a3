#!/usr/bin/env python3
# Writes the Fixtures/*.evemu recordings in evemu-record's text format (device descriptions written by hand from
# the drivers' sources: ids, B: bitmasks, A: absinfo) and prints the commands each should produce, computed here
# independently of the Swift code (bipolar → deadzone → expo → invert → scale). Run: python3 make_fixtures.py
import os, json
OUT=os.path.dirname(os.path.abspath(__file__))
EV_NAMES={0:'EV_SYN',1:'EV_KEY',3:'EV_ABS',4:'EV_MSC'}
ABS={0:'ABS_X',1:'ABS_Y',2:'ABS_Z',3:'ABS_RX',4:'ABS_RY',5:'ABS_RZ',9:'ABS_GAS',10:'ABS_BRAKE',0x10:'ABS_HAT0X',0x11:'ABS_HAT0Y'}
KEYS={0x130:'BTN_SOUTH',0x131:'BTN_EAST',0x132:'BTN_C',0x133:'BTN_NORTH',0x134:'BTN_WEST',0x135:'BTN_Z',0x136:'BTN_TL',0x137:'BTN_TR',0x138:'BTN_TL2',0x139:'BTN_TR2',0x13a:'BTN_SELECT',0x13b:'BTN_START',0x13c:'BTN_MODE',0x13d:'BTN_THUMBL',0x13e:'BTN_THUMBR',0xa7:'KEY_RECORD'}
SIZES=[(0x00,1),(0x01,12),(0x02,1),(0x03,1),(0x04,1),(0x05,1),(0x11,1),(0x12,1),(0x14,1),(0x15,2)]
def bitmask(codes, nlines):
    b=[0]*(8*nlines)
    for c in codes: b[c//8] |= 1<<(c%8)
    return b
def describe(name,bus,vendor,product,version,keys,axes,extra_types=(),msc=()):
    L=['# EVEMU 1.3','# Kernel: 6.1.0-18-amd64','# DMI: dmi:bvnLENOVO:bvrN2HET77W:bd02/06/2024:svnLENOVO:pn20XW0055GE:pvrThinkPadX1Carbon',
       f'# Input device name: "{name}"', f'# Input device ID: bus {bus:#04x} vendor {vendor:#04x} product {product:#04x} version {version:#04x}',
       '# Supported events:','#   Event type 0 (EV_SYN)','#     Event code 0 (SYN_REPORT)','#     Event code 1 (SYN_CONFIG)','#     Event code 3 (SYN_DROPPED)',
       '#   Event type 1 (EV_KEY)']
    for k in sorted(keys): L.append(f'#     Event code {k} ({KEYS[k]})')
    L.append('#   Event type 3 (EV_ABS)')
    for c,(mn,mx,fz,fl,res) in sorted(axes.items()):
        L += [f'#     Event code {c} ({ABS[c]})', f'#       Value   {0:6d}', f'#       Min     {mn:6d}', f'#       Max     {mx:6d}',
              f'#       Fuzz    {fz:6d}', f'#       Flat    {fl:6d}', f'#       Resolution {res:3d}']
    if msc: L += ['#   Event type 4 (EV_MSC)', '#     Event code 4 (MSC_SCAN)']
    if 0x15 in extra_types: L += ['#   Event type 21 (EV_FF)', '#     Event code 80 (FF_RUMBLE)', '#     Event code 81 (FF_PERIODIC)', '#     Event code 96 (FF_GAIN)']
    L += ['# Properties:', f'N: {name}', f'I: {bus:04x} {vendor:04x} {product:04x} {version:04x}', 'P: 00 00 00 00 00 00 00 00']
    types={0,1,3} | set(extra_types) | ({4} if msc else set())
    for t,n in SIZES:
        if t==0: codes=sorted(types)
        elif t==1: codes=keys
        elif t==3: codes=list(axes)
        elif t==4: codes=list(msc)
        elif t==0x15 and 0x15 in extra_types: codes=[0x50,0x51,0x58,0x59,0x5a,0x60]
        else: codes=[]
        bm=bitmask(codes,n)
        for i in range(n): L.append('B: %02x ' % t + ' '.join('%02x'%x for x in bm[i*8:i*8+8]))
    for c,(mn,mx,fz,fl,res) in sorted(axes.items()):
        L.append(f'A: {c:02x} {mn} {mx} {fz} {fl} {res}')
    L += ['################################','#      Waiting for events      #','################################']
    return L
def ev(t,typ,code,val,last_syn):
    s='E: %d.%06d %04x %04x %04d\t' % (int(t), round((t-int(t))*1e6), typ, code, val)
    if typ==0 and code==0: s+='# ------------ SYN_REPORT (0) ---------- %+dms' % round((t-last_syn)*1000)
    elif typ==0 and code==3: s+='# ++++++++++++ SYN_DROPPED (3) ++++++++++'
    else:
        nm = ABS.get(code) if typ==3 else KEYS.get(code, 'MSC_SCAN' if typ==4 else '?')
        s+='# %s / %-20s %d' % (EV_NAMES[typ], nm, val)
    return s
def write(fname, desc, frames):
    L=list(desc); last=0.0
    for (t, evs) in frames:
        for (typ,code,val) in evs:
            L.append(ev(t,typ,code,val,last))
            if typ==0 and code==0: last=t
    open(os.path.join(OUT,fname),'w').write('\n'.join(L)+'\n')

def bip(raw,mn,mx):
    n=(raw-(mn+mx)/2)/((mx-mn)/2); return max(-1,min(1,n))
def shape(n,dz,expo):
    a=abs(n)
    if a<=dz: return 0.0
    x=(a-dz)/(1-dz); y=(1-expo)*x+expo*x**3
    return -y if n<0 else y
def stick(raw,rng,dz,expo=0.3,inv=True):
    v=shape(bip(raw,*rng),dz,expo); v=-v if inv else v; return max(-1,min(1,v))+0.0
def grip(raw,rng,dz=0.05):
    u=(raw-rng[0])/(rng[1]-rng[0]); u=max(0,min(1,u)); return 1-min(shape(u,dz,0),1)

XP_STICK=(-32768,32767,16,128,0); XP_TRIG=(0,255,0,0,0); HAT=(-1,1,0,0,0)
XPAD_KEYS=[0x130,0x131,0x133,0x134,0x136,0x137,0x13a,0x13b,0x13c,0x13d,0x13e]
xpad_axes={0:XP_STICK,1:XP_STICK,2:XP_TRIG,3:XP_STICK,4:XP_STICK,5:XP_TRIG,0x10:HAT,0x11:HAT}
PS_STICK=(0,255,0,0,0); PS_KEYS=[0x130,0x131,0x133,0x134,0x136,0x137,0x138,0x139,0x13a,0x13b,0x13c,0x13d,0x13e]
ps_axes={0:PS_STICK,1:PS_STICK,2:PS_STICK,3:PS_STICK,4:PS_STICK,5:PS_STICK,0x10:HAT,0x11:HAT}

# pad: (file, desc, layout) layout: dict with codes: lx,ly,rx,ry,trig (or None), rest values, deadman code, record code, ranges
pads=[]
def pad(fname,desc,lx,ly,rx,ry,trig,rng_stick,rng_trig,rest,dz,record,deadman=0x136,dropped=False,toggle=None):
    pads.append(dict(fname=fname,desc=desc,lx=lx,ly=ly,rx=rx,ry=ry,trig=trig,rs=rng_stick,rt=rng_trig,rest=rest,dz=dz,record=record,deadman=deadman,dropped=dropped,toggle=toggle))

pad('xbox-360.evemu', describe('Microsoft X-Box 360 pad',3,0x045e,0x028e,0x0114,XPAD_KEYS,xpad_axes,extra_types=(0x15,)),
    0,1,3,4,5,(-32768,32767),(0,255),{0:-213,1:388,3:1021,4:-770,5:0,2:0},0.12,0x130)
pad('xbox-one-series.evemu', describe('Microsoft Xbox Series S|X Controller',3,0x045e,0x0b12,0x0509,XPAD_KEYS+[0xa7],
    {**xpad_axes,2:(0,1023,0,0,0),5:(0,1023,0,0,0)},extra_types=(0x15,)),
    0,1,3,4,5,(-32768,32767),(0,1023),{0:640,1:-1201,3:-96,4:455,5:0,2:0},0.12,0x130)
pad('dualshock4.evemu', describe('Sony Interactive Entertainment Wireless Controller',3,0x054c,0x09cc,0x8111,PS_KEYS,ps_axes,extra_types=(0x15,)),
    0,1,3,4,5,(0,255),(0,255),{0:128,1:127,3:129,4:128,5:0,2:0},0.1,0x130,dropped=True)
pad('dualsense.evemu', describe('Sony Interactive Entertainment DualSense Wireless Controller',3,0x054c,0x0ce6,0x8111,PS_KEYS,ps_axes,extra_types=(0x15,)),
    0,1,3,4,5,(0,255),(0,255),{0:127,1:128,3:128,4:126,5:0,2:0},0.1,0x130)
pad('8bitdo-xinput.evemu', describe('8BitDo Ultimate Wireless / Pro 2 Wired Controller',3,0x2dc8,0x3106,0x0114,XPAD_KEYS,xpad_axes,extra_types=(0x15,)),
    0,1,3,4,5,(-32768,32767),(0,255),{0:0,1:-256,3:512,4:0,5:0,2:0},0.12,0x130)
DI_KEYS=[0x130,0x131,0x132,0x133,0x134,0x135,0x136,0x137,0x138,0x139,0x13a,0x13b,0x13c,0x13d,0x13e]
di_axes={0:PS_STICK,1:PS_STICK,2:PS_STICK,5:PS_STICK,9:(0,255,0,0,0),10:(0,255,0,0,0),0x10:HAT,0x11:HAT}
pad('8bitdo-dinput.evemu', describe('8BitDo SN30 Pro+',5,0x2dc8,0x6002,0x0001,DI_KEYS,di_axes,msc=(4,)),
    0,1,2,5,9,(0,255),(0,255),{0:127,1:127,2:128,5:128,9:0,10:0},0.1,0x130)
pad('logitech-f310.evemu', describe('Logitech Gamepad F310',3,0x046d,0xc21d,0x4014,XPAD_KEYS,xpad_axes,extra_types=(0x15,)),
    0,1,3,4,5,(-32768,32767),(0,255),{0:-128,1:-129,3:128,4:-129,5:0,2:0},0.12,0x130)
NS_STICK=(-32767,32767,250,500,0)
NS_KEYS=[0x130,0x131,0x133,0x134,0x135,0x136,0x137,0x138,0x139,0x13a,0x13b,0x13c,0x13d,0x13e]
pad('linux-gamepad.evemu', describe('Nintendo Switch Pro Controller',5,0x057e,0x2009,0x8001,NS_KEYS,{0:NS_STICK,1:NS_STICK,3:NS_STICK,4:NS_STICK,0x10:HAT,0x11:HAT},extra_types=(0x15,)),
    0,1,3,4,None,(-32767,32767),None,{0:301,1:-455,3:-212,4:90},0.12,0x130,toggle=0x137)

expected={}
for p in pads:
    mn,mx=p['rs']; frames=[]; T=lambda x:x
    def f(t,*evs): frames.append((t,[(a,b,c) for (a,b,c) in evs]+[(0,0,0)]))
    f(0.0,*[(3,c,v) for c,v in p['rest'].items()])
    f(0.512,(1,p['deadman'],1))
    full_up = mn; part_right = round(mn + (mx-mn)*0.78)   # left stick fully up, part right
    f(0.612,(3,p['ly'],full_up),(3,p['lx'],part_right))
    if p['dropped']:
        # a report cut short by the kernel's buffer overflow: right stick fully up then SYN_DROPPED
        frames.append((0.662,[(3,p['ry'],mn),(0,3,0),(3,p['rx'],mn),(0,0,0)]))
    ry_half = round(mn + (mx-mn)*0.25); rx_small = round((mn+mx)/2 + (mx-mn)/2*0.05)
    evs=[(3,p['ry'],ry_half),(3,p['rx'],rx_small)]
    if p['trig'] is not None:
        tmn,tmx=p['rt']; trig_raw=round(tmn+(tmx-tmn)*0.6); evs.append((3,p['trig'],trig_raw))
    f(0.712,*evs)
    pass
    f(0.812,(3,p['ly'],p['rest'][p['ly']]),(3,p['lx'],p['rest'][p['lx']]),(3,p['ry'],p['rest'][p['ry']]),(3,p['rx'],p['rest'][p['rx']]))
    if p['toggle']: f(0.822,(1,p['toggle'],1)); f(0.842,(1,p['toggle'],0))
    f(0.912,(1,p['deadman'],0))
    f(1.012,(1,p['record'],1))
    f(1.062,(1,p['record'],0))
    write(p['fname'],p['desc'],frames)
    rng=(mn,mx); dz=p['dz']
    g0 = 1.0 if p['trig'] is not None else 1.0
    x1=stick(full_up,rng,dz); y1=stick(part_right,rng,dz)
    z2=stick(ry_half,rng,dz); yaw2=stick(rx_small,rng,dz)
    g2 = grip(trig_raw,p['rt']) if p['trig'] is not None else 1.0
    g3 = 0.0 if p['toggle'] else g2
    expected[p['fname']]=dict(x1=x1,y1=y1,z2=z2,yaw2=yaw2,g2=g2,g3=g3,raw=dict(full_up=full_up,part_right=part_right,ry_half=ry_half,rx_small=rx_small))
print(json.dumps(expected,indent=1))
